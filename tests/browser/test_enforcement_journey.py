"""The enforcement track in a real Chromium: a handler takes a named report as a report of a
violation and opens a case (立案); the inbox shows the 5-working-day notice to the reporter as due;
the handler records that the reporter was told and links the published penalty decision; the
reporter's tracking page says the penalty is decided and links to the public decision."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.disclosures import service as disclosures
from portal.extensions import db
from tests.browser.fixtures import staff_tab
from tests.support.accounts import make_account, staff_user
from tests.support.complaints import file, named_identity
from tests.support.days import local_today
from tests.support.disclosures import draft_disclosure

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_named_report_is_opened_told_and_linked_to_its_published_decision(chromium, live_server, live_app):
    _h, secret = make_account(live_app, "enforce.journey", Role.HANDLER, "330106", "浙杭执字7301")
    with live_app.app_context():
        filed = file(received_on=local_today() - dt.timedelta(days=2), identity=named_identity())
        drafter = staff_user("enforce.drafter", Role.HANDLER, "330106")
        reviewer = staff_user("enforce.reviewer", Role.REVIEWER, "330100")
        decision = draft_disclosure(drafter, decision_number="杭西教罚〔2026〕977号",
                                    decision_date=local_today())
        disclosures.submit(decision, drafter)
        disclosures.review(decision, reviewer, True)
        db.session.commit()
        number, receipt, decision_id = filed.complaint.case_number, filed.receipt, decision.id

    handler = staff_tab(chromium, live_server, "enforce.journey", secret)
    handler.get_by_label("投诉举报编号或机构名称").fill(number)
    handler.get_by_role("button", name="筛选").click()
    handler.get_by_role("link", name=number).click()
    handler.get_by_role("link", name="违法行为举报：决定是否立案").click()
    expect(handler).to_have_title(re.compile("立案查处"))
    handler.get_by_role("button", name="作为违法行为举报登记").click()
    expect(handler.get_by_text("已作为违法行为举报登记，请决定是否立案。")).to_be_visible()
    handler.get_by_label("立案", exact=True).check()
    handler.get_by_role("button", name="保存决定").click()
    expect(handler.get_by_text(re.compile(r"已立案：西湖教立〔\d{4}〕\d+号。"))).to_be_visible()
    page_url = handler.url

    handler.goto(f"/staff/cases?q={number}&lang=zh_CN")
    row = handler.locator("tr", has=handler.get_by_role("link", name=number))
    expect(row.get_by_text(re.compile("前告知投诉举报人"))).to_be_visible()
    expect(row.get_by_text(re.compile("前作出处罚决定"))).to_be_visible()

    handler.goto(page_url)
    handler.get_by_label("电话").check()
    handler.get_by_role("button", name="记录已告知投诉举报人").click()
    expect(handler.get_by_text("已记录：已告知投诉举报人。")).to_be_visible()
    handler.get_by_label(re.compile("杭西教罚〔2026〕977号")).check()
    handler.get_by_role("button", name="关联该处罚决定").click()
    expect(handler.get_by_text("已关联：本案作出处罚决定 杭西教罚〔2026〕977号。")).to_be_visible()
    expect(handler.locator(".badge--status")).to_have_text("已作出处罚决定")

    reporter = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                    base_url=live_server.url).new_page()
    reporter.goto("/track?lang=zh_CN")
    reporter.get_by_label("查询码").fill(receipt)
    reporter.get_by_role("button", name="查询案件").click()
    expect(reporter.get_by_text("已作出行政处罚决定，详见公示的处罚决定：")).to_be_visible()
    reporter.screenshot(path="/tmp/enforce-reporter-phone.png", full_page=True)
    reporter.get_by_role("link", name="杭西教罚〔2026〕977号").click()
    expect(reporter).to_have_url(re.compile(rf"/disclosures/{decision_id}$"))
    handler.goto(page_url)
    handler.screenshot(path="/tmp/enforce-page-desktop.png", full_page=True)
