"""The mediation track in a real Chromium. A parent files a refund dispute about a registered
institution at 360 px, asking for their money back and letting the institution know their name; a
handler sees the decision due in the inbox, takes the dispute for mediation (the case is accepted),
asks the institution to answer through its one-time link; the institution, on a phone without
JavaScript, reads the parent's name and proposes a refund; the handler records a telephone session
and the agreement the proposal prefills (the case is concluded); the parent reads the written
result, confirms the money arrived and rates the mediation. In a second journey mediation fails and
the written result names arbitration, the courts and 12315."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.casework.models import Category, Complaint
from portal.extensions import db
from portal.mediation import service
from portal.mediation.models import MediationCase, MediationState
from tests.browser.fixtures import staff_tab
from tests.support import institutions
from tests.support.accounts import make_account, staff_user
from tests.support.complaints import file, named_identity
from tests.support.days import local_today
from tests.support.institution_answers import link_path, sent_messages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _track(page, receipt):
    page.goto("/track?lang=zh_CN")
    page.get_by_label("查询码").fill(receipt)
    page.get_by_role("button", name="查询案件").click()


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_refund_dispute_is_mediated_agreed_paid_and_rated(phone_page, chromium, live_server, live_app):
    _h, secret = make_account(live_app, "mediation.journey", Role.HANDLER, "330106")
    with live_app.app_context():
        school = institutions.institution(name="西湖区小蜜蜂培训学校", uscc=institutions.new_uscc(),
                                          licence_number="教民3301067403001号", contact_person="钱联系",
                                          contact_mobile="13600136001")
        db.session.commit()
        school_id = school.id
    parent = phone_page
    parent.goto(f"/complaints/new?institution={school_id}&lang=zh_CN")
    parent.get_by_label("收费或退费问题").check()
    parent.get_by_label("我要退费：由本机关在我和机构之间调解").check()
    parent.get_by_role("textbox", name=re.compile("^具体情况")).fill(
        "报名时预交了一年学费一万二千元，上了两个月课后孩子不想上了，机构拒绝退还剩余学费。")
    parent.get_by_label("发生时间").fill((local_today() - dt.timedelta(days=5)).isoformat())
    parent.get_by_label("实名", exact=True).check()
    parent.get_by_label("姓名").fill("王小明")
    parent.get_by_label("手机号码").fill("138 1234 5678")
    parent.get_by_label("为调解需要，同意把我的名字告知机构").check()
    parent.screenshot(path="/tmp/mediation-form-phone.png", full_page=True)
    parent.get_by_role("button", name="提交投诉").click()
    expect(parent.get_by_role("heading", name="投诉回执")).to_be_visible()
    receipt = parent.locator(".receipt__code").inner_text().strip()
    with live_app.app_context():
        complaint = db.session.scalars(select(Complaint).where(Complaint.mediation_requested)
                                       .order_by(Complaint.id.desc()).limit(1)).one()
        assert complaint.mediation_name_shared and complaint.category is Category.FEES_REFUNDS
        number, complaint_id = complaint.case_number, complaint.id

    handler = staff_tab(chromium, live_server, "mediation.journey", secret)
    handler.goto(f"/staff/cases?q={number}&lang=zh_CN")
    row = handler.locator("tr", has=handler.get_by_role("link", name=number))
    expect(row.get_by_text(re.compile("前决定是否调解"))).to_be_visible()
    row.get_by_role("link", name=number).click()
    expect(handler.get_by_role("button", name="受理", exact=True)).to_have_count(0)  # the decision comes first
    handler.get_by_role("link", name="本案调解").click()
    expect(handler).to_have_title(re.compile("调解"))
    handler.get_by_label("受理调解", exact=True).check()
    handler.get_by_role("button", name="保存决定").click()
    expect(handler.get_by_text("已受理调解。")).to_be_visible()
    with live_app.app_context():
        assert db.session.get(Complaint, complaint_id).status.value == "accepted"  # taking it is the 受理

    handler.get_by_role("link", name="请机构在线答复").click()
    handler.get_by_role("radio", name="短信发送至联系人手机").check()
    handler.get_by_role("button", name="发送链接").click()
    institution = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                       java_script_enabled=False, base_url=live_server.url).new_page()
    institution.goto(link_path(sent_messages(live_app)[-1]) + "?lang=zh_CN")
    expect(institution.get_by_text("王小明")).to_be_visible()  # the parent agreed to be named
    institution.get_by_label("贵机构的意见").fill("同意按剩余课时退还学费，扣除教材费。")
    institution.get_by_role("radio", name="是，我们提出退费方案").check()
    institution.get_by_label("退费金额（元）").fill("9600")
    institution.get_by_label("最迟退款日期").fill((local_today() + dt.timedelta(days=10)).isoformat())
    institution.get_by_label("退款方式").fill("银行转账")
    institution.get_by_role("button", name="提交答复").click()
    expect(institution.get_by_role("heading", name="答复已收到")).to_be_visible()
    _no_overflow(institution)

    handler.goto(f"/staff/cases/{complaint_id}/mediation?lang=zh_CN")
    expect(handler.get_by_text("同意按剩余课时退还学费，扣除教材费。")).to_be_visible()
    handler.get_by_label("电话调解").check()
    handler.get_by_label("参加人员").fill("调解员、家长、机构负责人")
    handler.get_by_label("家长陈述").fill("要求退还剩余十个月的学费。")
    handler.get_by_label("机构陈述").fill("同意按剩余课时退还，扣除教材费。")
    handler.get_by_role("button", name="保存调解记录").click()
    expect(handler.get_by_text("已保存调解记录。")).to_be_visible()
    expect(handler.get_by_label("退还金额（元）")).to_have_value("9600.00")  # the institution's proposal
    handler.get_by_label("银行转账").check()
    handler.get_by_role("button", name="记录调解协议并出具告知书").click()
    expect(handler.get_by_text("已记录调解协议，并出具调解结果告知书。")).to_be_visible()
    expect(handler.locator(".badge--status")).to_have_text("调解达成协议")
    handler.screenshot(path="/tmp/mediation-page-desktop.png", full_page=True)

    _track(parent, receipt)
    expect(parent.locator(".badge--status")).to_have_text("已办结")  # the written result concludes the case
    expect(parent.get_by_role("heading", name="调解：退费")).to_be_visible()
    expect(parent.get_by_text("¥9,600.00").first).to_be_visible()
    _no_overflow(parent)
    parent.get_by_label("是，款项已到账").check()
    parent.get_by_role("button", name="提交", exact=True).click()
    expect(parent.get_by_text("谢谢。您已确认款项到账。")).to_be_visible()
    parent.get_by_label("满意", exact=True).check()
    parent.get_by_role("button", name="提交评价").click()
    expect(parent.get_by_text("谢谢。已记录您对调解的评价。")).to_be_visible()
    parent.screenshot(path="/tmp/mediation-tracking-phone.png", full_page=True)
    parent.get_by_role("link", name="调解结果告知书").first.click()
    expect(parent.get_by_text(re.compile("退还人民币9,600.00元"))).to_be_visible()
    with live_app.app_context():
        record = db.session.scalars(select(MediationCase).where(MediationCase.complaint_id == complaint_id)).one()
        assert record.state is MediationState.KEPT and record.rating is not None
        assert db.session.get(Complaint, complaint_id).rating is record.rating  # one rating, counted by /stats


def test_mediation_fails_and_the_written_result_names_the_other_routes(phone_page, chromium, live_server, live_app):
    _h, secret = make_account(live_app, "mediation.failed", Role.HANDLER, "330106")
    with live_app.app_context():
        filed = file(received_on=local_today() - dt.timedelta(days=1), identity=named_identity(),
                     category=Category.FEES_REFUNDS, mediation=True)
        officer = staff_user("mediation.taker", Role.HANDLER, "330106")
        service.decide(filed.complaint, officer, True, local_today())
        db.session.commit()
        complaint_id, receipt = filed.complaint.id, filed.receipt

    handler = staff_tab(chromium, live_server, "mediation.failed", secret)
    handler.goto(f"/staff/cases/{complaint_id}/mediation?lang=zh_CN")
    handler.get_by_label("机构拒绝调解或者拒绝达成协议").check()
    handler.get_by_label("情况说明（家长可以看到）").fill("机构负责人明确表示不同意退费，拒绝继续调解。")
    handler.get_by_role("button", name="终止调解并出具告知书").click()
    expect(handler.get_by_text("已终止调解，并出具终止调解告知书。")).to_be_visible()

    parent = phone_page
    _track(parent, receipt)
    expect(parent.get_by_text("调解终止，未达成协议", exact=True)).to_be_visible()
    parent.get_by_role("link", name="终止调解告知书").first.click()
    for route in ("申请仲裁", "向人民法院提起诉讼", "12315"):
        expect(parent.get_by_text(re.compile(route)).first).to_be_visible()
    _no_overflow(parent)
    parent.screenshot(path="/tmp/mediation-failed-notice-phone.png", full_page=True)
