"""The registry from a deployment with no demo data (only the divisions and holidays production
loads): an officer imports a 1,000-row XLSX (errors reported by row, fixed, previewed, applied by a
second officer), edits a licence's last day into the past and the public card turns amber; a parent
meets a blacklisted institution in red, finds a blacklisted unlicensed operator by two characters of
its name, and is sent from a search without a match to the complaint form with the name filled in.
Phones at 360 px without JavaScript, in both languages."""
import datetime as dt
import re
from collections.abc import Iterator

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import expect

from portal.accounts.models import Role, User
from portal.extensions import db
from tests.browser.fixtures import LiveServer
from tests.registry.support import row, xlsx
from tests.support.accounts import PASSWORD, make_account
from tests.support.apps import make_app
from tests.support.databases import isolated_database
from tests.support.days import local_today
from tests.support.institutions import new_uscc

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    """An app on a database with the schema and what production loads by command: nothing else."""
    from portal import models  # noqa: F401

    folder = tmp_path_factory.mktemp("registry-live")
    with isolated_database(database_url, "registry_live", folder) as url:
        app = make_app(folder, url, LIMIT_SIGN_IN_CLIENT="1000 per minute")
        with app.app_context():
            db.create_all()
            db.session.commit()
        runner = app.test_cli_runner()
        for command in (["regions", "load"], ["holidays", "import"]):
            assert runner.invoke(args=command).exit_code == 0
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def empty_server(empty_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(empty_app) as server:
        yield server


def _officer(app: Flask, username: str, role: Role, region: str) -> str:
    user_id, secret = make_account(app, username, role, region)
    with app.app_context():
        db.session.get(User, user_id).registry_officer = True
        db.session.commit()
    return secret


def _phone(chromium, server: LiveServer, locale: str = "zh-CN"):
    context = chromium.new_context(viewport=PHONE, locale=locale, is_mobile=True, java_script_enabled=False,
                                   base_url=server.url)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    return tab


def _sign_in(tab, username: str, secret: str, lang: str) -> None:
    tab.goto(f"/login?lang={lang}")
    tab.locator("#username").fill(username)
    tab.locator("#password").fill(PASSWORD)
    tab.locator("form button[type=submit]").click()
    tab.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    tab.locator("form button[type=submit]").click()


def _rows() -> list[list]:
    return [row(f"西湖区千家{n:04d}培训学校", new_uscc(), licence=f"教民3301069{n:06d}号", until="2030-12-31",
                supervising_bank="杭州银行", fee_account_supervised="是") for n in range(1000)]


def test_an_officer_imports_a_thousand_rows_and_a_second_officer_applies_them(chromium, empty_server, empty_app,
                                                                              tmp_path):
    first = _officer(empty_app, "registry.first", Role.HANDLER, "330106")
    second = _officer(empty_app, "registry.second", Role.ADMIN, "330100")
    good_rows = _rows()
    broken_rows = [list(r) for r in good_rows]
    broken_rows[3][1] = broken_rows[3][1][:17] + ("0" if broken_rows[3][1][17] != "0" else "1")  # check character
    broken_rows[7][2] = "999999"  # not a county
    (tmp_path / "broken.xlsx").write_bytes(xlsx(broken_rows))
    (tmp_path / "fixed.xlsx").write_bytes(xlsx(good_rows))

    tab = _phone(chromium, empty_server)
    _sign_in(tab, "registry.first", first, "zh_CN")
    tab.goto("/staff/registry/imports")
    tab.get_by_label(re.compile("文件（XLSX 或 CSV）")).set_input_files(str(tmp_path / "broken.xlsx"))
    tab.get_by_role("button", name="校验文件").click()
    expect(tab.get_by_role("heading", name="2 行存在问题")).to_be_visible()
    problems = tab.locator("table.data-table").first
    expect(problems.get_by_role("cell", name="5", exact=True)).to_be_visible()  # spreadsheet row 5 = row 4 of data
    expect(problems.get_by_role("cell", name="9", exact=True)).to_be_visible()
    expect(problems).to_contain_text("最后一位不是正确的校验码")
    tab.get_by_label(re.compile("文件（XLSX 或 CSV）")).set_input_files(str(tmp_path / "fixed.xlsx"))
    tab.get_by_role("button", name="校验文件").click()
    expect(tab.get_by_text("新增 1000 家，变更 0 家，未变 0 家")).to_be_visible()
    tab.get_by_role("button", name="提交审核").click()
    expect(tab.get_by_text("等待本辖区另一名登记管理员审核")).to_be_visible()
    import_url = tab.url

    other = _phone(chromium, empty_server, "en-GB")
    _sign_in(other, "registry.second", second, "en")
    other.goto(import_url)
    other.get_by_label("Apply the import").check()
    other.get_by_role("button", name="Record the decision").click()
    expect(other.get_by_text("Applied: 1000 new, 0 changed, 0 unchanged, 0 skipped")).to_be_visible()

    # The first officer moves one licence's last day into the past: the public card turns amber.
    tab.goto("/staff/registry?q=" + "千家0042")
    tab.get_by_role("link", name="西湖区千家0042培训学校").click()
    tab.get_by_role("link", name="修改登记信息").click()
    yesterday = local_today() - dt.timedelta(days=1)
    tab.get_by_label("有效期至").fill(yesterday.isoformat())
    tab.get_by_label(re.compile("原因")).fill("许可证已到期未延续")
    tab.get_by_role("button", name="保存").click()
    expect(tab.get_by_text(re.compile("已保存"))).to_be_visible()
    expect(tab.get_by_role("heading", name="历史版本")).to_be_visible()

    parent = _phone(chromium, empty_server)
    parent.goto("/institutions?q=千家0042&lang=zh_CN")
    card = parent.locator(".card", has_text="西湖区千家0042培训学校")
    expect(card.locator(".badge--warn")).to_have_text("许可证已过期")
    parent.get_by_role("link", name="西湖区千家0042培训学校").click()
    expect(parent.locator(".status-line .badge--warn").first).to_have_text("许可证已过期")
    parent.goto("/institutions?q=千家0043&lang=en")
    expect(parent.locator(".card .badge--warn")).to_have_text("Not registered on the national platform")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_parent_meets_red_for_the_blacklist_and_is_never_left_empty_handed(chromium, empty_server, empty_app,
                                                                             lang):
    from portal import clock
    from portal.blacklist import service as blacklist
    from tests.support.blacklist import entry_data
    from tests.support.institutions import institution

    with empty_app.app_context():
        if not blacklist.open_duplicate(None, "西湖区红灯持证培训学校", "330106"):
            licensed = institution(name="西湖区红灯持证培训学校", uscc=new_uscc())
            blacklist.add_listed(entry_data(name=licensed.name, uscc=licensed.uscc, institution_id=licensed.id,
                                            listed_on=clock.today()), "2026年第一批")
            blacklist.add_listed(entry_data(name="西湖区萤火虫无证托管班", listed_on=clock.today()), "2026年第一批")
            db.session.commit()
    red = "已列入黑名单，请勿缴费" if lang == "zh_CN" else "On the blacklist: do not pay"
    tab = _phone(chromium, empty_server, "zh-CN" if lang == "zh_CN" else "en-GB")
    tab.goto(f"/institutions?q=红灯持证&lang={lang}")
    card = tab.locator(".card", has_text="西湖区红灯持证培训学校")
    expect(card.locator(".badge--danger")).to_have_text(red)
    expect(card.locator(".badge--ok")).to_have_count(0)
    tab.goto(f"/institutions?q=萤火&lang={lang}")
    expect(tab.locator(".card", has_text="西湖区萤火虫无证托管班").locator(".badge--danger")).to_have_text(red)
    tab.get_by_label(re.compile("名称或统一社会信用代码|Name or unified social credit code")).fill("星河湾补习社")
    tab.get_by_role("button", name=re.compile("^(查询|搜索|Search)$")).click()
    expect(tab.get_by_role("heading", name=re.compile("星河湾补习社"))).to_be_visible()
    tab.get_by_role("link", name=re.compile("向我们反映|Tell us about it")).click()
    expect(tab.locator("input[name=institution_query]")).to_have_value("星河湾补习社")
