"""Credit repair in the back office, on a 360-px phone without JavaScript: the page says why an
approval would be refused, refuses one without the staff's checks, and grants it once they are
given; the public page then stops showing the decision."""
import datetime as dt
import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.support.accounts import PASSWORD, make_account

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
                                      decision_date=dt.date.today() - dt.timedelta(days=120))
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
    tab.get_by_label("信用修复申请日期").fill(dt.date.today().isoformat())
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
