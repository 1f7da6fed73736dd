"""The credit rules on a 360-px phone without JavaScript: a province administrator checks a
benchmark CSV of the lines in force in the province (the dry run names the province's new line) and
imports it, and the staff page marks the line as the province's own; a handler downloads the credit
platforms' export; a reviewer keeps a blacklist entry whose validity has ended."""
import csv
import datetime as dt
import io
import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.support.accounts import PASSWORD, make_account
from tests.support.days import local_today

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def phone(chromium, live_server, username: str, secret: str):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                   java_script_enabled=False, base_url=live_server.url, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto("/login?lang=zh_CN")
    tab.get_by_label("用户名").fill(username)
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="继续").click()
    tab.get_by_role("textbox", name=re.compile("验证码")).fill(pyotp.TOTP(secret).now())
    tab.get_by_role("button", name="登录").click()
    expect(tab.get_by_role("button", name="退出登录")).to_be_visible()
    return tab


def test_import_the_benchmark_after_a_dry_run(chromium, live_server, live_app, tmp_path):
    _, secret = make_account(live_app, "journey.province", Role.ADMIN, "330000")  # Zhejiang's own lines
    with live_app.app_context():
        from portal.discretion import transfer
        exported = transfer.export_csv("33")
    matter = "对校外培训机构违反培训时间规定的行政处罚"
    changed = exported.replace(matter, matter + "（修订）", 1)  # one line of four
    assert changed != exported
    upload = tmp_path / "benchmark.csv"
    upload.write_text(changed, encoding="utf-8")
    tab = phone(chromium, live_server, "journey.province", secret)
    tab.goto("/staff/discretion")
    tab.get_by_role("link", name="从 CSV 导入").click()
    expect(tab.get_by_role("heading", name="导入裁量基准")).to_be_visible()
    tab.get_by_label("裁量基准文件（CSV）").set_input_files(str(upload))
    tab.get_by_role("button", name="校验文件").click()
    expect(tab.get_by_role("heading", name="文件检查无误")).to_be_visible()
    expect(tab.get_by_text("新增 1 条")).to_be_visible()
    tab.get_by_role("button", name="导入这些条目").click()
    expect(tab.get_by_text("裁量基准已导入").first).to_be_visible()
    expect(tab.get_by_role("heading", name="裁量基准")).to_be_visible()
    expect(tab.get_by_role("row").filter(has_text=matter + "（修订）").get_by_text("省级", exact=True)).to_be_visible()


def test_export_for_the_credit_platforms(chromium, live_server, live_app):
    _, secret = make_account(live_app, "journey.exporter", Role.HANDLER, "330106", "浙杭执字7301")
    tab = phone(chromium, live_server, "journey.exporter", secret)
    tab.goto("/staff/credit-exchange")
    expect(tab.get_by_role("heading", name="向信用平台报送数据")).to_be_visible()
    tab.get_by_label("起始日期").fill("2026-13-01")
    tab.get_by_role("button", name="下载").click()
    expect(tab.get_by_text("请填写截止日期。").first).to_be_visible()
    today = local_today()
    tab.get_by_label("起始日期").fill((today - dt.timedelta(days=365)).isoformat())
    tab.get_by_label("截止日期").fill(today.isoformat())
    with tab.expect_download() as download:
        tab.get_by_role("button", name="下载").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:2] == ["行政相对人名称", "行政相对人类别"] and header[-3] == "记录类型"


def test_a_reviewer_keeps_an_entry_due_for_review(chromium, live_server, live_app):
    _, secret = make_account(live_app, "journey.bl.reviewer", Role.REVIEWER, "330100", "浙杭执字7302")
    with live_app.app_context():
        from portal import clock
        from portal.blacklist import service
        from portal.extensions import db
        from tests.support.accounts import staff_user
        from tests.support.blacklist import propose_entry

        handler = staff_user("journey.bl.handler", Role.HANDLER, "330106")
        other = staff_user("journey.bl.reviewer2", Role.REVIEWER, "330100")
        entry = propose_entry(handler, name="到期复核演示培训点", uscc=None)
        service.take(entry, "send_notice", handler, defence_until=clock.today() + dt.timedelta(days=1))
        entry.defence_until = clock.today() - dt.timedelta(days=1)
        service.take(entry, "request_listing", handler, valid_until=clock.today() + dt.timedelta(days=30))
        service.take(entry, "approve_listing", other)
        entry.valid_until = clock.today()
        db.session.commit()
    tab = phone(chromium, live_server, "journey.bl.reviewer", secret)
    tab.goto("/staff/blacklist")
    tab.get_by_role("link", name=re.compile("到期待复核")).click()
    tab.get_by_role("link", name="到期复核演示培训点").click()
    tab.get_by_text("继续保留在名单上").first.click()  # opens the step's fold
    later = (local_today() + dt.timedelta(days=180)).isoformat()
    tab.get_by_label("名单有效期截止日期").fill(later)
    tab.get_by_label("继续保留的理由").fill("仍未取得办学许可证")
    tab.get_by_role("button", name="继续保留在名单上").click()
    expect(tab.get_by_text("有效期届满复核后继续保留").first).to_be_visible()
