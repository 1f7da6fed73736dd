"""A case from the handler's inbox to the reporter's review, in a real Chromium at desktop width:
the handler signs in with an authenticator code, accepts the case, asks to see the reporter's
identity, a custodian (signed in separately) approves, the handler reads it, replies and
concludes; the reporter reads the reply, rates it unsatisfied and asks for a review, which
appears in the city's inbox."""
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.extensions import db
from tests.browser.fixtures import staff_tab
from tests.support.accounts import make_account
from tests.support.complaints import MARKER_NAME, file, named_identity
from tests.support.days import local_today

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_handler_custodian_reporter_and_the_city(chromium, live_server, live_app, tmp_path):
    _h, handler_secret = make_account(live_app, "journey.handler", Role.HANDLER, "330106", "浙杭执字7001")
    _c, custodian_secret = make_account(live_app, "journey.custodian", Role.CUSTODIAN, "330100")
    _r, city_secret = make_account(live_app, "journey.city", Role.HANDLER, "330100", "浙杭执字7002")
    with live_app.app_context():
        filed = file(received_on=local_today(), identity=named_identity())
        db.session.commit()
        number, receipt = filed.complaint.case_number, filed.receipt

    handler = staff_tab(chromium, live_server, "journey.handler", handler_secret)
    handler.get_by_role("navigation", name="主导航").get_by_role("link", name="案件办理").click()
    handler.get_by_label("投诉举报编号或机构名称").fill(number)
    handler.get_by_role("button", name="筛选").click()
    handler.get_by_role("link", name=number).click()
    expect(handler).to_have_title(re.compile(number))
    handler.get_by_role("button", name="受理", exact=True).click()
    expect(handler.get_by_text("已完成：受理。")).to_be_visible()
    expect(handler.locator(".badge--status")).to_have_text("已受理")
    expect(handler.get_by_text(MARKER_NAME)).to_have_count(0)

    case_url = handler.url
    handler.get_by_text("申请查看身份信息", exact=True).first.click()  # opens the request form
    handler.get_by_label(re.compile("需要知道投诉举报人身份的理由")).fill("需要举报人作为证人配合现场核查。")
    handler.get_by_role("button", name="申请查看身份信息").click()
    expect(handler.get_by_text("您的申请已提交给举报人信息保管员。")).to_be_visible()

    custodian = staff_tab(chromium, live_server, "journey.custodian", custodian_secret)
    custodian.get_by_role("navigation", name="主导航").get_by_role("link", name="身份查看申请").click()
    expect(custodian.get_by_text(MARKER_NAME)).to_have_count(0)
    custodian.get_by_role("link", name=f"审批 {number}").click()
    custodian.get_by_label("批准：承办人可在 24 小时内查看身份信息").check()
    custodian.get_by_role("button", name="保存决定").click()
    expect(custodian.get_by_text("已批准：承办人可在 24 小时内查看身份信息。")).to_be_visible()

    handler.goto(case_url)
    handler.get_by_role("link", name="查看投诉举报人身份信息").click()
    expect(handler.get_by_text(MARKER_NAME)).to_have_count(0)  # looking records nothing; opening does
    handler.get_by_role("button", name="查看投诉举报人身份信息").click()
    expect(handler.get_by_text(MARKER_NAME)).to_be_visible()
    handler.goto(case_url)

    handler.get_by_text("办结并书面答复", exact=True).first.click()  # opens the step
    handler.get_by_label(re.compile("书面答复（投诉举报人可以看到）")).fill("经查属实，已责令该机构停止违规培训并退还费用。")
    handler.get_by_role("button", name="办结并书面答复").click()
    handler.get_by_role("button", name="签发书面答复").click()  # the preview of the document, confirmed
    expect(handler.locator(".badge--status")).to_have_text("已办结")

    reporter = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                    base_url=live_server.url).new_page()
    reporter.goto("/track?lang=zh_CN")
    reporter.get_by_label("查询码").fill(receipt)
    reporter.get_by_role("button", name="查询案件").click()
    expect(reporter.get_by_text("经查属实，已责令该机构停止违规培训并退还费用。")).to_be_visible()
    reporter.get_by_label("不满意").check()
    reporter.get_by_role("button", name="提交评价").click()
    reporter.get_by_label("申请复查的理由").fill("机构至今仍在周末上课，也没有退费。")
    reporter.get_by_role("button", name="申请复查").click()
    expect(reporter.locator(".badge--status")).to_have_text("复查中")

    city = staff_tab(chromium, live_server, "journey.city", city_secret)
    city.goto("/staff/cases?mine=1&lang=zh_CN")
    row = city.locator("tr", has=city.get_by_role("link", name=number))
    expect(row.get_by_text("复查中", exact=True)).to_be_visible()
    row.get_by_role("link", name=number).click()
    expect(city.get_by_text("作出复查意见并书面答复").first).to_be_visible()
