"""The review period counts from receipt (送达, 信访工作条例 art. 35), in a real Chromium: a reply
not yet received keeps the case open and says so; the officer records a delivery by post with its
day; the reporter's tracking page then shows the last day to ask for 复查, counted from that day.
The personal-information notice is one tap away on a phone."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.casework.deadlines import rule
from portal.extensions import db
from portal.workdays import periods
from tests.browser.fixtures import ARTIFACTS, staff_tab
from tests.support.accounts import make_account
from tests.support.complaints import file

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_reply_delivered_by_post_starts_the_review_period(chromium, live_server, live_app):
    handler_id, secret = make_account(live_app, "post.handler", Role.HANDLER, "330106", "浙杭执字7401")
    with live_app.app_context():
        handler = db.session.get(User, handler_id)
        replied = clock.now() - dt.timedelta(days=6)
        filed = file(received_on=clock.local_date(replied) - dt.timedelta(days=20))
        casework.apply(filed.complaint, "accept", handler, now=replied - dt.timedelta(days=10))
        casework.apply(filed.complaint, "conclude", handler, "经查属实，已责令该机构退费。", now=replied)
        db.session.commit()
        complaint_id, receipt = filed.complaint.id, filed.receipt
        delivered = clock.local_date(replied) + dt.timedelta(days=2)
        last_day = periods.add_period(delivered, rule("review_request", filed.complaint.region_code, replied)).day

    officer = staff_tab(chromium, live_server, "post.handler", secret)
    officer.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    expect(officer.get_by_text("答复尚未送达。")).to_be_visible()
    officer.get_by_role("link", name="登记邮寄送达或直接送达").click()
    officer.get_by_role("radio", name="邮寄送达").check()
    officer.get_by_label("投诉举报人签收日期").fill(delivered.isoformat())
    officer.get_by_role("button", name="登记送达").click()
    expect(officer.get_by_text("答复尚未送达。")).to_have_count(0)
    expect(officer.get_by_text("邮寄送达").first).to_be_visible()

    reporter = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                    base_url=live_server.url).new_page()
    reporter.goto("/track?lang=zh_CN")
    reporter.get_by_label("查询码").fill(receipt)
    reporter.get_by_role("button", name="查询案件").click()
    expect(reporter.get_by_text(f"申请复查截止日期：{last_day.year}年{last_day.month}月{last_day.day}日")).to_be_visible()
    expect(reporter.locator(".pi-notice")).to_be_visible()  # on the supplement form
    ARTIFACTS.mkdir(exist_ok=True)
    reporter.screenshot(path=str(ARTIFACTS / "reply-delivered-zh-360.png"), full_page=True)
    reporter.locator(".site-footer").get_by_role("link", name="个人信息").click()
    expect(reporter.get_by_role("heading", name="个人信息处理规则")).to_be_visible()
