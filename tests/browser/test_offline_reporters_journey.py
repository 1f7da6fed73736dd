"""Reporters who do not use the site, in a real Chromium at 360 px in Chinese: a letter reporter's
written reply enters the print queue, the letter's PDF (address cover sheet, then the notice) is
produced, it is marked posted with its registered-mail number and its return receipt recorded; a
follow-up call (回访) recorded as unsatisfied sends the case back for handling where the province's
rule says so, and the timeline says so."""
import datetime as dt
import io
import re

import pypdf
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.casework.models import Complaint, NotifyChannel, ReplyDelivery, Source, Status
from portal.extensions import db
from portal.letters.models import Letter
from portal.rules import service as rules
from portal.security import crypto
from tests.browser.fixtures import ARTIFACTS, staff_tab
from tests.support.accounts import make_account
from tests.support.complaints import MARKER_PHONE, file, named_identity

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ADDRESS = "浙江省杭州市西湖区文三路100号3幢501室 310012"


def _concluded(live_app, handler_id: int, **filed_as) -> tuple[int, str]:
    with live_app.app_context():
        handler = db.session.get(User, handler_id)
        now = clock.now()
        complaint = file(received_on=clock.local_date(now) - dt.timedelta(days=3), identity=named_identity(),
                         **filed_as).complaint
        casework.apply(complaint, "accept", handler, now=now - dt.timedelta(hours=2))
        casework.apply(complaint, "conclude", handler, "经查属实，已责令该机构退费。", now=now - dt.timedelta(hours=1))
        db.session.commit()
        return complaint.id, complaint.case_number


def test_a_letter_reporters_reply_is_printed_posted_and_received(chromium, live_server, live_app):
    handler_id, secret = make_account(live_app, "letter.handler", Role.HANDLER, "330106", "浙杭执字7501")
    complaint_id, number = _concluded(live_app, handler_id, source=Source.LETTER,
                                      notify_channel=NotifyChannel.LETTER, notify_contact=ADDRESS)
    with live_app.app_context():
        today = clock.today()
    officer = staff_tab(chromium, live_server, "letter.handler", secret, phone=True)
    officer.goto("/staff/letters?lang=zh_CN")
    expect(officer.get_by_role("heading", name="待邮寄信件", level=1)).to_be_visible()
    row = officer.locator(".letter-list__item").filter(has_text=number).filter(has_text="答复意见书")
    expect(row).to_have_count(1)
    expect(officer.get_by_text(ADDRESS)).to_have_count(0)  # the address only on the printed cover
    ARTIFACTS.mkdir(exist_ok=True)
    officer.screenshot(path=str(ARTIFACTS / "letters-queue-zh-360.png"), full_page=True)
    with officer.expect_download() as download:
        row.get_by_role("button", name=re.compile("^打印")).click()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(
        open(download.value.path(), "rb").read())).pages)
    assert "文三路100号" in text and number in text and "答复意见书" in text

    row.get_by_role("link", name=re.compile("登记为已寄出")).click()
    officer.get_by_label("挂号信号").fill("XA123456784CN")  # a wrong check digit
    officer.get_by_label("寄出日期").fill(today.isoformat())
    officer.get_by_role("button", name="登记寄出").click()
    expect(officer.locator("#post-number-error")).to_contain_text("这不是有效的挂号信号")
    expect(officer.get_by_label("挂号信号")).to_have_value("XA123456784CN")
    officer.screenshot(path=str(ARTIFACTS / "letters-posted-error-zh-360.png"), full_page=True)
    officer.get_by_label("挂号信号").fill("XA123456785CN")
    officer.get_by_role("button", name="登记寄出").click()
    expect(officer.get_by_text("已登记为寄出。")).to_be_visible()
    officer.get_by_role("link", name="答复意见书").click()
    officer.get_by_label("投诉举报人签收日期").fill(today.isoformat())
    officer.get_by_role("button", name="登记回执").click()
    with live_app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert (complaint.reply_received_on, complaint.reply_received_how) == (today, ReplyDelivery.POST)
        letter = db.session.scalars(select(Letter).where(Letter.complaint_id == complaint_id)
                                    .order_by(Letter.id.desc())).first()
        assert (letter.posted_on, letter.registered_number) == (today, "XA123456785CN")


def test_an_unsatisfied_follow_up_call_sends_the_case_back(chromium, live_server, live_app):
    handler_id, secret = make_account(live_app, "call.handler", Role.HANDLER, "330106", "浙杭执字7502")
    with live_app.app_context():
        rules.change("system", "follow_up_reopens", "33", "yes", "浙江省回访不满意重办规定")
        db.session.commit()
    complaint_id, number = _concluded(live_app, handler_id, source=Source.PHONE,
                                      notify_channel=NotifyChannel.SMS, notify_contact=MARKER_PHONE)
    officer = staff_tab(chromium, live_server, "call.handler", secret, phone=True)
    officer.goto("/staff/cases?lang=zh_CN")
    officer.locator("section", has=officer.locator("#followups-title")).get_by_role("link", name=number).click()
    expect(officer.get_by_role("heading", name=f"回访：案件 {number}")).to_be_visible()
    officer.get_by_role("radio", name="已联系上").check()
    officer.get_by_label("投诉举报人的意见（选填）").fill("认为退费金额不足。")
    officer.get_by_role("button", name="记录回访").click()
    expect(officer.locator("#rating-error")).to_contain_text("请选择投诉举报人的评价。")  # beside the field
    expect(officer.get_by_label("投诉举报人的意见（选填）")).to_have_value("认为退费金额不足。")
    officer.screenshot(path=str(ARTIFACTS / "follow-up-error-zh-360.png"), full_page=True)
    officer.get_by_role("radio", name="不满意").check()
    officer.get_by_role("button", name="记录回访").click()
    expect(officer.get_by_text("投诉举报人不满意，按规定案件已重新办理。")).to_be_visible()
    officer.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    expect(officer.get_by_text("回访不满意，重新办理").first).to_be_visible()
    officer.screenshot(path=str(ARTIFACTS / "follow-up-reopened-zh-360.png"), full_page=True)
    with live_app.app_context():
        assert db.session.get(Complaint, complaint_id).status is Status.IN_PROGRESS
        rules.change("system", "follow_up_reopens", "33", None, "恢复全国默认")
        db.session.commit()


def test_a_named_reporter_chooses_letters_and_the_address_is_checked_beside_the_field(phone_page, live_app):
    page = phone_page
    page.goto("/complaints/new?lang=zh_CN")
    page.get_by_label("无证无照经营").check()
    page.get_by_label("机构名录中查不到该机构（例如无证经营）").check()
    page.get_by_label("机构使用的名称").fill("小蜜蜂学习屋")
    page.get_by_label("经营地点").fill("杭州市西湖区文三路100号3楼")
    page.get_by_label("所在区（县）").fill("330106")
    page.get_by_role("textbox", name=re.compile("^具体情况")).fill(
        "周末给小学生上数学课，没有任何证照，还要求预交一年学费。")
    page.get_by_label("发生时间").fill("2026-11-01")
    page.get_by_label("实名", exact=True).check()
    page.get_by_label("姓名").fill("王小明")
    page.get_by_label("手机号码").fill("138 1234 5678")
    expect(page.get_by_role("radio", name=re.compile("^短信"))).to_be_checked()  # the default
    page.get_by_role("radio", name=re.compile("^邮寄书面告知")).check()
    page.get_by_role("button", name="提交投诉").click()
    expect(page.locator("#postal_address-error")).to_contain_text("请填写完整的邮寄地址")
    expect(page.get_by_role("radio", name=re.compile("^邮寄书面告知"))).to_be_checked()  # the choice is kept
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#named-fields").screenshot(path=str(ARTIFACTS / "complaint-letter-choice-zh-360.png"))
    page.get_by_label("邮寄地址（选择邮寄书面告知时必填）").fill(ADDRESS)
    page.get_by_role("button", name="提交投诉").click()
    number = re.search(r"\d{6}-\d{8}-\d{4}", page.locator("main").inner_text()).group(0)
    with live_app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.case_number == number))
        assert complaint.notify_channel is NotifyChannel.LETTER
        assert crypto.decrypt_text(complaint.notify_contact_encrypted) == ADDRESS
        assert ADDRESS.encode() not in complaint.reporter_sealed
