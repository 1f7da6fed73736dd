"""A named reporter is told by the channel they chose: every written notice as a text (the SMS
contract: to, template, params), an email, or a letter in the issuing office's print queue, printed
with its address cover sheet (the address opened and audited), marked posted with a registered-mail
number, and for a written reply the day on the return receipt recorded as its delivery (送达)."""
import datetime as dt
import io
import json

import pypdf
import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.casework.models import Complaint, ComplaintEvent, EventKind, NotifyChannel, ReplyDelivery
from portal.extensions import db
from portal.letters import cover, service
from portal.letters.models import Letter
from portal.notices.models import Notice
from portal.notifications.models import Message
from portal.recusal import service as recusal
from portal.security import audit, crypto
from tests.support.accounts import staff_user
from tests.support.complaints import MARKER_PHONE, file, named_identity
from tests.support.forms import hidden

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Beijing
ADDRESS = "浙江省杭州市西湖区文三路100号3幢501室 310012 王某某"
REPLY = "经查属实，已责令该机构停止违规培训并退费。"


@pytest.fixture
def handler(ctx):
    return staff_user("lt.handler", Role.HANDLER, "330106", "浙杭执字0801", display_name="吴承办")


def named(channel: NotifyChannel, contact: str):
    return file(identity=named_identity(), notify_channel=channel, notify_contact=contact).complaint


def reporter_messages() -> list[tuple[str, dict]]:
    return [(m.channel, json.loads(crypto.decrypt_text(m.payload)))
            for m in db.session.scalars(select(Message).order_by(Message.id))]


def test_a_notice_reaches_an_sms_reporter_as_the_contracts_text_once(handler):
    complaint = named(NotifyChannel.SMS, MARKER_PHONE)
    assert crypto.decrypt_text(complaint.notify_contact_encrypted) == MARKER_PHONE
    casework.apply(complaint, "accept", handler, now=NOW)  # issues the 受理告知书
    texts = [content for channel, content in reporter_messages() if channel == "sms"]
    assert texts == [{"to": MARKER_PHONE, "template": "notice", "params": {"case_number": complaint.case_number}}]
    db.session.commit()
    casework.apply(complaint, "start", handler, now=NOW)  # news without a notice
    texts = [content for channel, content in reporter_messages() if channel == "sms"]
    assert texts[-1] == {"to": MARKER_PHONE, "template": "news", "params": {"case_number": complaint.case_number}}
    assert len(texts) == 2 and not db.session.scalars(select(Letter)).all()


def test_a_notice_reaches_an_email_reporter_as_a_bare_email(handler, mailbox):
    complaint = named(NotifyChannel.EMAIL, "told.by.mail@example.org")
    db.session.commit()
    mailbox.received.clear()
    casework.apply(complaint, "accept", handler, now=NOW)
    db.session.commit()
    to_reporter = [message.get_content() for rcpt, message in mailbox.received
                   if rcpt == ["told.by.mail@example.org"]]
    assert len(to_reporter) == 1
    assert "notice was issued" in to_reporter[0] and "小蜜蜂" not in to_reporter[0]
    assert not any(channel == "sms" for channel, _ in reporter_messages())


def test_an_anonymous_reporter_gets_nothing_and_a_letter_reporter_a_letter_in_the_queue(handler):
    anonymous = file().complaint
    casework.apply(anonymous, "accept", handler, now=NOW)
    complaint = named(NotifyChannel.LETTER, ADDRESS)
    casework.apply(complaint, "accept", handler, now=NOW)
    assert not [content for channel, content in reporter_messages() if channel == "sms"]
    [letter] = service.waiting(handler)
    assert (letter.complaint_id, letter.notice.title, letter.region_code) == (complaint.id, "受理告知书", "330106")
    assert service.post_by(letter) == dt.date(2026, 11, 26)  # 3 working days


def test_the_cover_sheet_opens_the_address_once_audited_and_carries_the_notice(handler):
    complaint = named(NotifyChannel.LETTER, ADDRESS)
    casework.apply(complaint, "accept", handler, now=NOW)
    [letter] = service.waiting(handler)
    opened = service.address(letter, handler, NOW)
    assert opened == ADDRESS
    record = audit.for_object("complaint", complaint.id)[-1]
    assert (record.action, record.actor) == ("letter.address_opened", f"user:{handler.id}")
    assert ADDRESS not in (record.after or "") and "文三路" not in (record.after or "")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(cover.render(letter, opened))).pages)
    assert "文三路100号" in text and complaint.case_number in text and "受理告知书" in text
    assert letter.notice.number in text


@pytest.mark.parametrize("number,valid", [("XA123456785CN", True), ("RR473124829GB", True),
                                          ("XA123456784CN", False), ("XA12345678CN", False),
                                          ("1234567890123", False), ("XA12345678５CN", False)])
def test_registered_mail_numbers_follow_the_s10_check_digit(number, valid):
    assert service.valid_registered_number(number) is valid


def test_posting_is_checked_recorded_on_the_timeline_and_audited(handler):
    complaint = named(NotifyChannel.LETTER, ADDRESS)
    casework.apply(complaint, "accept", handler, now=NOW)
    [letter] = service.waiting(handler)
    for day, number, problem in ((dt.date(2026, 11, 22), "XA123456785CN", "before"),
                                 (dt.date(2026, 11, 24), "XA123456785CN", "future"),
                                 (dt.date(2026, 11, 23), "XA123456784CN", "invalid")):
        with pytest.raises(service.BadPosting) as refused:
            service.post(letter, handler, day, number, NOW)
        assert refused.value.args[1] == problem
    assert letter.posted_on is None
    service.post(letter, handler, dt.date(2026, 11, 23), "XA123456785CN", NOW)
    assert (letter.posted_on, letter.registered_number, letter.posted_by_id) == (
        dt.date(2026, 11, 23), "XA123456785CN", handler.id)
    event = db.session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                               .order_by(ComplaintEvent.id.desc())).first()
    assert event.kind is EventKind.LETTER_POSTED and letter.notice.number in event.body
    record = audit.for_object("complaint", complaint.id)[-1]
    assert record.action == "letter.posted" and '"posted_on":"2026-11-23"' in record.after
    assert service.waiting(handler) == []
    with pytest.raises(service.LetterClosed):
        service.post(letter, handler, dt.date(2026, 11, 23), "XA123456785CN", NOW)
    with pytest.raises(service.LetterClosed):
        service.address(letter, handler, NOW)  # posted: the address is not opened again


def test_a_posted_reply_is_delivered_on_the_return_receipts_day(handler):
    complaint = named(NotifyChannel.LETTER, ADDRESS)
    casework.apply(complaint, "accept", handler, now=NOW)
    casework.apply(complaint, "conclude", handler, REPLY, now=NOW)
    acceptance, reply = service.waiting(handler)
    assert reply.notice.title == "答复意见书"
    service.post(reply, handler, dt.date(2026, 11, 23), "XA123456785CN", NOW)
    assert service.awaiting_receipt(handler) == [reply]
    with pytest.raises(service.LetterClosed):
        service.record_receipt(acceptance, handler, dt.date(2026, 11, 25), NOW)  # not posted, not a reply
    with pytest.raises(service.BadPosting):
        service.record_receipt(reply, handler, dt.date(2026, 11, 30), NOW + dt.timedelta(days=3))  # future
    service.record_receipt(reply, handler, dt.date(2026, 11, 25), NOW + dt.timedelta(days=3))
    assert (complaint.reply_received_on, complaint.reply_received_how) == (dt.date(2026, 11, 25), ReplyDelivery.POST)
    assert service.awaiting_receipt(handler) == []


def test_other_offices_and_recused_staff_do_not_reach_the_letter(handler):
    complaint = named(NotifyChannel.LETTER, ADDRESS)
    casework.apply(complaint, "accept", handler, now=NOW)
    [letter] = service.waiting(handler)
    outsider = staff_user("lt.outsider", Role.HANDLER, "630103", "青宁执字0802")
    assert service.waiting(outsider) == []
    with pytest.raises(service.LetterNotFound):
        service.for_staff(outsider, letter.id)
    recusal.declare(recusal.kind_of("complaint"), complaint, handler, "本人系该机构股东的近亲属", now=NOW)
    with pytest.raises(service.LetterClosed):
        service.address(letter, handler, NOW)


def test_letters_unposted_after_their_day_are_counted_for_the_inbox(handler):
    complaint = named(NotifyChannel.LETTER, ADDRESS)
    casework.apply(complaint, "accept", handler, now=NOW)
    [letter] = service.waiting(handler)
    letter.created_at = NOW
    assert service.late_count(handler, dt.date(2026, 11, 26)) == 0
    assert service.late_count(handler, dt.date(2026, 11, 27)) == 1


# ---- Pages -------------------------------------------------------------------------------------

def _letter_case(app, handler_id: int) -> int:
    with app.app_context():
        handler = db.session.get(User, handler_id)
        complaint = named(NotifyChannel.LETTER, ADDRESS)
        casework.apply(complaint, "accept", handler)
        db.session.commit()
        return db.session.scalar(select(Letter.id).where(Letter.complaint_id == complaint.id))


def test_the_queue_prints_the_pdf_and_the_posting_form_keeps_input_beside_errors(app, signed_in):
    officer = signed_in(Role.HANDLER, "330106", username="lt.page", certificate="浙杭执字0810", lang="en")
    letter_id = _letter_case(app, officer.user_id)
    page = officer.get("/staff/letters?lang=en").get_data(as_text=True)
    assert "Letters to post" in page and "受理告知书" in page and ADDRESS not in page
    token = hidden(page, "csrf_token")
    printed = officer.post(f"/staff/letters/{letter_id}/letter.pdf", data={"csrf_token": token})
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert printed.data.startswith(b"%PDF")
    url = f"/staff/letters/{letter_id}/posted"
    form_token = hidden(officer.get(url + "?lang=en").get_data(as_text=True), "csrf_token")
    wrong = officer.post(url + "?lang=en", data={"csrf_token": form_token, "post-day": "2099-01-01",
                                                 "post-number": "XA123456784CN"})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="post-number-error"' in text and "XA123456784CN" in text
    assert "cannot be in the future" in text
    with app.app_context():
        assert db.session.get(Letter, letter_id).posted_on is None
        today = db.session.scalar(select(Notice.issued_on).join(Letter, Letter.notice_id == Notice.id)
                                  .where(Letter.id == letter_id))
    done = officer.post(url, data={"csrf_token": form_token, "post-day": today.isoformat(),
                                   "post-number": "xa 1234 5678 5cn"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Letter, letter_id).registered_number == "XA123456785CN"


def test_another_jurisdiction_gets_404(app, signed_in):
    officer = signed_in(Role.HANDLER, "330106", username="lt.own", certificate="浙杭执字0811")
    letter_id = _letter_case(app, officer.user_id)
    other = signed_in(Role.HANDLER, "630103", username="lt.other", certificate="青宁执字0812")
    assert other.get(f"/staff/letters/{letter_id}/posted").status_code == 404
    assert "受理告知书" not in other.get("/staff/letters").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Complaint, db.session.get(Letter, letter_id).complaint_id).notify_channel \
            is NotifyChannel.LETTER


def test_the_inbox_names_letters_unposted_after_their_day(app, signed_in):
    officer = signed_in(Role.HANDLER, "330106", username="lt.inbox", certificate="浙杭执字0813", lang="en")
    letter_id = _letter_case(app, officer.user_id)
    assert "not posted in time" not in officer.get("/staff/cases?lang=en").get_data(as_text=True)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        letter.created_at = letter.created_at - dt.timedelta(days=30)
        db.session.commit()
    inbox = officer.get("/staff/cases?lang=en").get_data(as_text=True)
    assert "1 letter to a reporter is not posted in time" in inbox and "/staff/letters" in inbox
