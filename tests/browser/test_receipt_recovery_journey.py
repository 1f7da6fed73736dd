"""A named reporter loses the 查询码 and gets a new one by SMS, in a real Chromium at 360 px without
JavaScript, in Chinese (and English for a step): files with a mobile number, prints and reads the
receipt in English, the office replies, the reporter (in another browser) recovers the code with the
text the local Tencent Cloud stand-in received, the old code no longer opens the case, the new one
shows the reply."""
import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.casework.models import Complaint
from portal.extensions import db
from tests.browser.fixtures import ARTIFACTS
from tests.support.accounts import make_account
from tests.support.tencent_sms import TEMPLATE_IDS, provider_settings, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = "13612340987"
REPLY = "经查属实，已责令该机构停止违规培训并退还预收费用。"


def phone_tab(chromium, live_server):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                   base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    return tab


def file_named(tab, phone: str) -> None:
    """File a complaint on the form, with a name and this mobile number."""
    tab.goto("/complaints/new?lang=zh_CN")
    tab.get_by_label("无证无照经营").check()
    tab.get_by_label("机构名录中查不到该机构（例如无证经营）").check()
    tab.get_by_label("机构使用的名称").fill("小蜜蜂学习屋")
    tab.get_by_label("经营地点").fill("杭州市西湖区文三路100号3楼")
    tab.get_by_label("所在区（县）").fill("330106")
    tab.get_by_role("textbox", name=re.compile("^具体情况")).fill(
        "每个周末给小学生上数学课，没有任何证照，还要求家长一次预交一年学费。")
    tab.get_by_label("发生时间").fill("2026-11-01")
    tab.get_by_label("实名", exact=True).check()
    tab.get_by_label("姓名").fill("王小明")
    tab.get_by_label("手机号码").fill(phone)
    tab.get_by_role("button", name="提交投诉").click()


def shot(tab, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0  # no sideways scroll


def test_a_named_reporter_recovers_the_code_by_sms_and_reads_the_reply(chromium, live_server, live_app, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setitem(live_app.config, "LIMIT_RECOVERY_CLIENT", "1000 per hour")  # limits have their own tests
    handler_id, _secret = make_account(live_app, "recovery.handler", Role.HANDLER, "330106", "浙杭执字7402")
    with running_provider() as (provider, endpoint), provider_settings(live_app, endpoint, tmp_path):
        reporter = phone_tab(chromium, live_server)
        file_named(reporter, "136 1234 0987")

        # The receipt: what was filed, a print button that works without a script, the language switch.
        expect(reporter.get_by_role("heading", name="投诉回执")).to_be_visible()
        old = reporter.locator(".receipt__code").inner_text().strip()
        case_number = re.search(r"\d{6}-\d{8}-\d{4}", reporter.content()).group(0)
        expect(reporter.get_by_role("heading", name="您提交的内容")).to_be_visible()
        expect(reporter.locator(".receipt__summary")).to_contain_text("小蜜蜂学习屋")
        expect(reporter.locator(".receipt__summary")).to_contain_text("无证无照经营")
        expect(reporter.locator(".receipt__summary")).not_to_contain_text("王小明")
        shot(reporter, "receipt-zh-360")
        reporter.get_by_role("button", name="打印回执").click()
        expect(reporter.get_by_text("本页已适合打印")).to_be_visible()
        assert reporter.locator(".receipt__code").inner_text().strip() == old
        reporter.get_by_role("navigation", name="语言").get_by_role("button", name="English").click()
        expect(reporter.get_by_role("heading", name="Your receipt")).to_be_visible()
        expect(reporter.get_by_role("heading", name="What you filed")).to_be_visible()
        assert reporter.locator(".receipt__code").inner_text().strip() == old
        shot(reporter, "receipt-en-360")

        # The office replies.
        with live_app.app_context():
            handler = db.session.get(User, handler_id)
            complaint = db.session.scalar(select(Complaint).where(Complaint.case_number == case_number))
            now = clock.now()
            casework.apply(complaint, "accept", handler, now=now - dt.timedelta(hours=2))
            casework.apply(complaint, "conclude", handler, REPLY, now=now - dt.timedelta(hours=1))
            db.session.commit()

        # The code is lost: another phone, no script, in Chinese.
        lost = phone_tab(chromium, live_server)
        lost.goto("/track?lang=zh_CN")
        lost.get_by_role("link", name="忘记查询码").click()
        expect(lost.get_by_role("heading", name="找回查询码")).to_be_visible()
        expect(lost.get_by_text("匿名提交的案件无法与任何人关联")).to_be_visible()
        shot(lost, "recovery-ask-zh-360")
        lost.get_by_label("手机号码").fill("+86 136-1234-0987")
        lost.get_by_label("投诉举报编号").fill(case_number)
        lost.get_by_role("button", name="发送验证码").click()
        expect(lost.get_by_role("heading", name="输入短信验证码")).to_be_visible()
        shot(lost, "recovery-code-zh-360")
        code = provider.last_code_to(PHONE)  # the text the provider received, not the database
        wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
        lost.get_by_label("短信验证码").fill(wrong)
        lost.get_by_role("button", name="获取新的查询码").click()
        expect(lost.get_by_text("验证码不正确")).to_be_visible()
        expect(lost.get_by_label("短信验证码")).to_have_value(wrong)
        lost.get_by_label("短信验证码").fill(code)
        lost.get_by_role("button", name="获取新的查询码").click()
        expect(lost.get_by_role("heading", name="您的新查询码")).to_be_visible()
        new = lost.locator(".receipt__code").inner_text().strip()
        assert new != old and re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", new)
        shot(lost, "recovery-issued-zh-360")
        lost.get_by_role("link", name="查询案件").click()
        expect(lost.get_by_text(REPLY)).to_be_visible()

        # The reporter was told by SMS (the reply's notice, then the code and the new code); no text
        # carries the reply, the institution or the story.
        texts = provider.texts_to(PHONE)
        ids = [t.template_id for t in texts]
        assert ids[-2:] == [TEMPLATE_IDS["code"], TEMPLATE_IDS["recovered"]]
        assert TEMPLATE_IDS["notice"] in ids[:-2]
        assert set(ids[:-2]) <= {TEMPLATE_IDS["news"], TEMPLATE_IDS["notice"]}
        assert texts[-1].params == [case_number]
        assert not any("小蜜蜂" in p or "责令" in p for t in texts for p in t.params)

    # The old code opens nothing; the new one opens the case with its reply.
    later = phone_tab(chromium, live_server)
    later.goto("/track?lang=zh_CN")
    later.get_by_label("查询码").fill(old)
    later.get_by_role("button", name="查询案件").click()
    expect(later.locator(".field__error")).to_be_visible()
    later.get_by_label("查询码").fill(new)
    later.get_by_role("button", name="查询案件").click()
    expect(later.get_by_text(REPLY)).to_be_visible()
    later.goto("/track/case?lang=en")  # and a step in English
    expect(later.get_by_text("Rate the handling of your case")).to_be_visible()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_receipt_and_the_recovery_pages_have_no_serious_accessibility_problem(chromium, live_server, live_app,
                                                                                   lang, monkeypatch):
    monkeypatch.setitem(live_app.config, "LIMIT_RECOVERY_CLIENT", "1000 per hour")
    context = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    axe, problems = Axe(), []

    def check() -> None:
        problems.extend(f"{tab.url}: {v['impact']} {v['id']}" for v in axe.run(tab).response["violations"]
                        if v["impact"] in {"serious", "critical"})

    try:
        file_named(tab, "13612340988")
        tab.locator(".receipt__code").wait_for()
        check()
        tab.goto(f"/track/recover?lang={lang}")
        check()
        tab.locator("main form button[type=submit]").click()  # empty: the messages beside the fields
        tab.locator(".field__error").first.wait_for()
        check()
        tab.locator("input[name=phone]").fill("13612340989")
        tab.locator("input[name=case_number]").fill("330106-20261122-9999")
        tab.locator("main form button[type=submit]").click()
        tab.wait_for_url("**/track/recover/code")
        tab.locator("main form button[type=submit]").click()
        tab.locator(".field__error").first.wait_for()
        check()
    finally:
        context.close()
    assert not problems, "\n".join(problems)
