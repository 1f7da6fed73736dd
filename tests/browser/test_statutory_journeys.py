"""Casework that follows the law, in a real Chromium: a reporter who rated the reply 满意 still asks
for 复查 on day 29 (信访工作条例 art. 35), the city decides it, then the reporter asks for the one
复核 (art. 36) and the province decides it; an extension (art. 34) refused while the approver does
not hold the head-of-office permission, and granted once an administrator has given it."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.casework.models import Complaint
from portal.extensions import db
from portal.reply_delivery import service as reply_delivery
from tests.browser.fixtures import ARTIFACTS, staff_tab
from tests.support.accounts import make_account
from tests.support.complaints import file

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def reporter_tab(chromium, live_server, receipt):
    tab = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                               base_url=live_server.url).new_page()
    tab.set_default_timeout(10_000)
    tab.goto("/track?lang=zh_CN")
    tab.get_by_label("查询码").fill(receipt)
    tab.get_by_role("button", name="查询案件").click()
    return tab


def test_satisfied_reporter_asks_for_review_on_day_29_then_a_re_review(chromium, live_server, live_app):
    county_id, _ = make_account(live_app, "law.county", Role.HANDLER, "330106", "浙杭执字7301")
    _c, city_secret = make_account(live_app, "law.city", Role.HANDLER, "330100", "浙杭执字7302")
    _p, province_secret = make_account(live_app, "law.province", Role.HANDLER, "330000", "浙教执字7303")
    with live_app.app_context():
        county = db.session.get(User, county_id)
        replied = clock.now() - dt.timedelta(days=29)  # the written reply reached the reporter 29 days ago
        filed = file(received_on=clock.local_date(replied) - dt.timedelta(days=20))
        casework.apply(filed.complaint, "accept", county, now=replied - dt.timedelta(days=10))
        casework.apply(filed.complaint, "conclude", county, "经查，该机构已停止违规培训。", now=replied)
        reply_delivery.opened(filed.complaint, replied)  # read on the tracking page that day
        db.session.commit()
        number, receipt, complaint_id = filed.complaint.case_number, filed.receipt, filed.complaint.id

    reporter = reporter_tab(chromium, live_server, receipt)
    expect(reporter.get_by_text("经查，该机构已停止违规培训。").first).to_be_visible()
    reporter.get_by_label("满意", exact=True).check()
    reporter.get_by_role("button", name="提交评价").click()
    expect(reporter.get_by_role("status").filter(has_text="感谢您的评价")).to_be_visible()
    # Satisfied, and still the right to ask (art. 35): the last day is tomorrow.
    expect(reporter.get_by_role("heading", name="申请复查")).to_be_visible()
    reporter.get_by_label("申请复查的理由").fill("评价后发现机构仍在周末上课，请上级机关复查。")
    reporter.get_by_role("button", name="申请复查").click()
    expect(reporter.locator(".badge--status")).to_have_text("复查中")
    ARTIFACTS.mkdir(exist_ok=True)
    reporter.screenshot(path=str(ARTIFACTS / "law-review-requested-zh-360.png"), full_page=True)

    city = staff_tab(chromium, live_server, "law.city", city_secret)
    city.goto("/staff/cases?mine=1&lang=zh_CN")
    row = city.locator("tr", has=city.get_by_role("link", name=number))
    expect(row.get_by_text("复查中", exact=True)).to_be_visible()
    row.get_by_role("link", name=number).click()
    expect(city.get_by_text("复查意见期限（第三十五条）")).to_be_visible()
    city.get_by_text("作出复查意见并书面答复", exact=True).first.click()
    city.get_by_label(re.compile("书面答复（投诉举报人可以看到）")).fill("复查认定：责令该机构整改并处罚款。")
    city.get_by_role("button", name="作出复查意见并书面答复").click()
    city.get_by_role("button", name="签发书面答复").click()  # the preview of the document, confirmed
    expect(city.locator(".badge--status")).to_have_text("已办结")

    reporter.reload()
    expect(reporter.get_by_text("复查认定：责令该机构整改并处罚款。").first).to_be_visible()
    expect(reporter.get_by_role("heading", name="申请复核")).to_be_visible()
    reporter.get_by_label("申请复核的理由").fill("复查意见未回应退费问题，请求复核。")
    reporter.get_by_role("button", name="申请复核").click()
    expect(reporter.locator(".badge--status")).to_have_text("复核中")

    province = staff_tab(chromium, live_server, "law.province", province_secret)
    province.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    expect(province.locator(".badge--status")).to_have_text("复核中")
    expect(province.get_by_text("复核意见期限（第三十六条）")).to_be_visible()
    province.get_by_text("作出复核意见并书面答复（终结）", exact=True).first.click()
    province.get_by_label(re.compile("书面答复（投诉举报人可以看到）")).fill("复核认定：维持复查意见，责令退费。")
    province.get_by_role("button", name="作出复核意见并书面答复（终结）").click()
    province.get_by_role("button", name="签发书面答复").click()  # the preview of the document, confirmed
    expect(province.locator(".badge--status")).to_have_text("已办结")

    reporter.reload()
    expect(reporter.get_by_text("复核认定：维持复查意见，责令退费。").first).to_be_visible()
    expect(reporter.get_by_role("button", name=re.compile("申请复"))).to_have_count(0)  # final
    with live_app.app_context():
        assert db.session.get(Complaint, complaint_id).review_stage.value == "re_review"


def test_extension_refused_without_the_head_and_granted_with_it(chromium, live_server, live_app):
    handler_id, handler_secret = make_account(live_app, "law.asker", Role.HANDLER, "330106", "浙杭执字7311")
    head_id, head_secret = make_account(live_app, "law.head", Role.HANDLER, "330106", "浙杭执字7310",
                                        display_name="王局长")
    _a, admin_secret = make_account(live_app, "law.admin", Role.ADMIN, "330106")
    _c, city_secret = make_account(live_app, "law.city.admin", Role.ADMIN, "330100")
    with live_app.app_context():
        filed = file(received_on=clock.today())
        casework.apply(filed.complaint, "accept", db.session.get(User, handler_id))
        db.session.get(User, head_id).office_head = True
        db.session.commit()
        complaint_id, receipt = filed.complaint.id, filed.receipt
        due = filed.complaint.conclusion_due

    handler = staff_tab(chromium, live_server, "law.asker", handler_secret)
    handler.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    handler.get_by_role("link", name="申请延期").click()
    handler.get_by_label("延长天数").fill("20")
    handler.get_by_label(re.compile("需要延期的理由")).fill("涉及三个教学点，需现场核查。")
    handler.get_by_role("button", name="提交延期申请").click()
    expect(handler.get_by_text("延期申请已报本机关负责人。批准前，原办理期限不变。")).to_be_visible()

    head = staff_tab(chromium, live_server, "law.head", head_secret)
    head.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    head.get_by_role("link", name="审批延期申请").click()
    head.get_by_label("批准延期").check()
    # Before the head sends the decision, an administrator withdraws the permission: refused.
    admin = staff_tab(chromium, live_server, "law.admin", admin_secret)
    admin.goto(f"/staff/users/{head_id}?lang=zh_CN")
    office_head = admin.locator('section[aria-labelledby="office-head-heading"]')
    office_head.get_by_label(re.compile("理由")).fill("任期届满")
    office_head.get_by_role("button", name="撤销权限").click()
    expect(admin.get_by_text("已撤销本机关负责人权限。")).to_be_visible()
    head.get_by_role("button", name="保存决定").click()
    expect(head.get_by_text(re.compile("只有承办本案的机关的负责人才能审批延期申请"))).to_be_visible()
    with live_app.app_context():
        assert db.session.get(Complaint, complaint_id).conclusion_due == due  # the deadline stands
    # Asked again by the administrator (with the reason, audited) and granted by one above, the head approves.
    office_head = admin.locator('section[aria-labelledby="office-head-heading"]')
    office_head.get_by_label(re.compile("理由")).fill("杭西教〔2026〕8号任命")
    office_head.get_by_role("button", name="设为本机关负责人").click()
    expect(admin.get_by_text("已提出申请：经上级管理员批准后，该账号即成为机关负责人。")).to_be_visible()
    city = staff_tab(chromium, live_server, "law.city.admin", city_secret)
    city.goto("/staff/grants?lang=zh_CN")
    city.get_by_role("link", name="机关负责人权限").click()
    city.get_by_label("批准", exact=True).check()
    city.get_by_role("button", name="保存决定").click()
    expect(city.get_by_text("已批准。")).to_be_visible()
    head.goto(f"/staff/cases/{complaint_id}/extension?lang=zh_CN")
    head.get_by_label("批准延期").check()
    head.get_by_role("button", name="保存决定").click()
    expect(head.get_by_text("已批准：办理期限已延长，并已告知投诉举报人延期理由。")).to_be_visible()
    with live_app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.extended and complaint.conclusion_due > due

    reporter = reporter_tab(chromium, live_server, receipt)
    expect(reporter.get_by_text("经本机关负责人批准延长办理期限")).to_be_visible()
    expect(reporter.get_by_text("涉及三个教学点，需现场核查。")).to_be_visible()


def test_a_recused_officer_is_refused_on_the_case_page(chromium, live_server, live_app):
    _o, officer_secret = make_account(live_app, "law.recused", Role.HANDLER, "330106", "浙杭执字7320")
    with live_app.app_context():
        filed = file(received_on=clock.today())
        db.session.commit()
        complaint_id = filed.complaint.id

    officer = staff_tab(chromium, live_server, "law.recused", officer_secret)
    officer.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    stale = officer.context.new_page()  # the case page as it was before the declaration
    stale.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    officer.get_by_role("link", name="声明利害关系").click()
    officer.get_by_label("与本记录的利害关系").fill("本人配偶在该机构任教。")
    officer.get_by_role("button", name="登记回避").click()
    expect(officer.get_by_text("已登记：您已回避该记录，不能再对其进行任何操作。")).to_be_visible()
    expect(officer.get_by_text(re.compile("回避此记录，不能再对其进行任何操作。$")).last).to_be_visible()
    expect(officer.get_by_role("button", name="受理", exact=True)).to_have_count(0)
    stale.get_by_role("button", name="受理", exact=True).click()  # sent from the page opened before
    expect(stale.get_by_role("alert")).to_contain_text("不能")
    expect(stale.locator(".badge--status")).to_have_text("已登记")
    ARTIFACTS.mkdir(exist_ok=True)
    stale.set_viewport_size({"width": 360, "height": 740})
    stale.screenshot(path=str(ARTIFACTS / "law-recused-case-zh-360.png"), full_page=True)
    with live_app.app_context():
        assert db.session.get(Complaint, complaint_id).status.value == "registered"
