"""Credit repair on a 360-px phone without JavaScript: staff refuse an approval without their
checks and grant it once they are given; and a penalised party applies online with a proof file,
staff decide the application, and the party reads the decision with its receipt code."""
import datetime as dt
import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.support.accounts import PASSWORD, make_account
from tests.support.days import local_today

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ENDED_EARLY = "（信用修复后提前结束公示）"


def test_staff_refuse_then_grant_credit_repair(chromium, live_server, live_app):
    handler_id, secret = make_account(live_app, "repair.handler", Role.HANDLER, "330106", "浙杭执字7201")
    with live_app.app_context():
        from portal.accounts.models import User
        from portal.disclosures import service
        from portal.disclosures.models import Circumstance
        from portal.disclosures.models import PenaltyCategory as P
        from portal.extensions import db
        from tests.support.accounts import staff_user
        from tests.support.disclosures import draft_disclosure

        handler, reviewer = db.session.get(User, handler_id), staff_user("repair.reviewer", Role.REVIEWER, "330100")
        disclosure = draft_disclosure(handler, decision_number="杭西教罚〔2026〕720号",
                                      circumstance=Circumstance.GENERAL, penalties=[P.WARNING], fine_amount=None,
                                      months=6,
                                      decision_date=local_today() - dt.timedelta(days=120))
        service.submit(disclosure, handler)
        service.review(disclosure, reviewer, True)
        db.session.commit()
        disclosure_id = disclosure.id

    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                   java_script_enabled=False, base_url=live_server.url)
    tab = context.new_page()
    tab.goto("/login?lang=zh_CN")
    tab.get_by_label("用户名").fill("repair.handler")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="继续").click()
    tab.get_by_role("textbox", name=re.compile("验证码")).fill(pyotp.TOTP(secret).now())
    tab.get_by_role("button", name="登录").click()

    tab.goto(f"/staff/disclosures/{disclosure_id}")
    tab.get_by_role("link", name="信用修复").click()
    expect(tab.get_by_role("heading", name="杭西教罚〔2026〕720号 的信用修复")).to_be_visible()
    tab.get_by_label("信用修复申请日期").fill(local_today().isoformat())
    tab.get_by_label("已批准：今日结束公示").check()
    tab.get_by_role("button", name="保存决定").click()
    expect(tab.get_by_text("当事人尚未履行行政处罚决定。").first).to_be_visible()  # refused, with the reason
    tab.get_by_label("当事人已履行行政处罚决定", exact=False).check()
    tab.get_by_label("当事人已消除不良影响", exact=False).check()
    tab.get_by_label("已批准：今日结束公示").check()
    tab.get_by_role("button", name="保存决定").click()
    expect(tab.get_by_text("信用修复决定已保存。").first).to_be_visible()
    public = context.new_page()
    response = public.goto(f"/disclosures/{disclosure_id}?lang=zh_CN")
    assert response.status == 200  # shown until the end of today, marked as ended early
    expect(public.get_by_text(ENDED_EARLY)).to_be_visible()


def test_a_party_applies_online_and_staff_decide(chromium, live_server, live_app, tmp_path):
    from tests.support import files

    handler_id, secret = make_account(live_app, "online.handler", Role.HANDLER, "330106", "浙杭执字7202")
    with live_app.app_context():
        from portal.accounts.models import User
        from portal.disclosures import demo, service
        from portal.disclosures.models import Circumstance
        from portal.disclosures.models import PenaltyCategory as P
        from portal.extensions import db
        from tests.support.accounts import staff_user
        from tests.support.disclosures import draft_disclosure

        uscc = demo._authority_uscc("330110")
        handler, reviewer = db.session.get(User, handler_id), staff_user("online.reviewer", Role.REVIEWER, "330100")
        disclosure = draft_disclosure(handler, decision_number="杭西教罚〔2026〕740号", uscc=uscc,
                                      circumstance=Circumstance.GENERAL, penalties=[P.WARNING], fine_amount=None,
                                      months=6, decision_date=local_today() - dt.timedelta(days=120))
        service.submit(disclosure, handler)
        service.review(disclosure, reviewer, True)
        db.session.commit()
        disclosure_id = disclosure.id
    proof = tmp_path / "缴款凭证.pdf"
    proof.write_bytes(files.pdf_with_author())

    party = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                 java_script_enabled=False, base_url=live_server.url).new_page()
    party.goto("/disclosures?lang=zh_CN")
    party.get_by_role("link", name="申请信用修复").click()
    party.get_by_label("行政处罚决定书文号").fill("杭西教罚〔2026〕740号")
    party.get_by_label("统一社会信用代码").fill(uscc)
    party.get_by_label("履行处罚决定和消除不良影响的情况").fill("已按决定整改，收取的培训费已全部退还家长。")
    party.get_by_label("证明材料（选填）").set_input_files(str(proof))
    party.get_by_role("button", name="提交申请").click()
    expect(party.get_by_role("heading", name="申请已收到")).to_be_visible()
    code = party.locator(".receipt-code strong").inner_text()

    tab = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                               java_script_enabled=False, base_url=live_server.url).new_page()
    tab.goto("/login?lang=zh_CN")
    tab.get_by_label("用户名").fill("online.handler")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="继续").click()
    tab.get_by_role("textbox", name=re.compile("验证码")).fill(pyotp.TOTP(secret).now())
    tab.get_by_role("button", name="登录").click()
    tab.goto(f"/staff/disclosures/{disclosure_id}/repair")
    expect(tab.get_by_text("已按决定整改，收取的培训费已全部退还家长。")).to_be_visible()
    expect(tab.get_by_role("link", name="proof-1.pdf")).to_be_visible()
    expect(tab.get_by_label("信用修复申请日期")).to_have_value(local_today().isoformat())  # from the application
    tab.get_by_label("当事人已履行行政处罚决定", exact=False).check()
    tab.get_by_label("当事人已消除不良影响", exact=False).check()
    tab.get_by_label("已批准：今日结束公示").check()
    tab.get_by_label("意见").fill("经核查符合信用修复条件，准予提前结束公示。")
    tab.get_by_role("button", name="保存决定").click()
    expect(tab.get_by_text("信用修复决定已保存。").first).to_be_visible()

    party.goto("/credit-repair/track?lang=zh_CN")
    party.get_by_label("查询码").fill(code)
    party.get_by_role("button", name="查询").click()
    expect(party.get_by_text("准予修复：已结束公示")).to_be_visible()
    expect(party.get_by_text("经核查符合信用修复条件，准予提前结束公示。")).to_be_visible()
