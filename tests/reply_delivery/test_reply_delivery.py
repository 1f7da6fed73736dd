"""Delivery of the written reply (送达): the review period runs from the day the reply reached the
reporter — the first time they open it on the tracking page, or a delivery by post or in person
that staff record (the earliest counts). Until then the case waits and is not archived."""
import datetime as dt

import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.casework.models import Complaint, ReplyDelivery, Status
from portal.extensions import db
from portal.intake import tracking
from portal.recusal import service as recusal
from portal.reply_delivery import service as delivery
from portal.security import audit
from tests.support.accounts import staff_user
from tests.support.complaints import file
from tests.support.forms import hidden, open_form

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Beijing
REPLY = "经查属实，已责令该机构停止违规培训并退费。"


@pytest.fixture
def handler(ctx):
    return staff_user("dl.handler", Role.HANDLER, "330106", "浙杭执字0901", display_name="周承办")


def concluded(handler, now=NOW):
    complaint = file().complaint
    casework.apply(complaint, "accept", handler, now=now)
    casework.apply(complaint, "conclude", handler, REPLY, now=now)
    return complaint


def test_the_first_opening_on_the_tracking_page_is_the_receipt_and_only_the_first(handler):
    complaint = concluded(handler)
    assert delivery.awaiting(complaint)
    assert delivery.opened(complaint, NOW + dt.timedelta(days=3))
    assert not delivery.opened(complaint, NOW + dt.timedelta(days=9))  # a later visit changes nothing
    assert (complaint.reply_received_on, complaint.reply_received_how) == (dt.date(2026, 11, 26),
                                                                           ReplyDelivery.TRACKING_PAGE)
    assert tracking.review_due(complaint).day == dt.date(2026, 12, 28)  # 12-26 is a Saturday
    record = audit.for_object("complaint", complaint.id)[-1]
    assert (record.action, record.actor) == ("complaint.reply_received", f"reporter:{complaint.case_number}")


def test_a_delivery_staff_record_counts_from_its_day_and_the_earliest_wins(handler):
    complaint = concluded(handler)
    event = delivery.record(complaint, handler, ReplyDelivery.POST, dt.date(2026, 11, 25), now=NOW + dt.timedelta(3))
    assert not event.public and event.actor_id == handler.id  # internal: the reporter's page shows the date
    assert complaint.reply_received_on == dt.date(2026, 11, 25)
    delivery.opened(complaint, NOW + dt.timedelta(days=5))  # opened later: the letter came first
    assert (complaint.reply_received_on, complaint.reply_received_how) == (dt.date(2026, 11, 25), ReplyDelivery.POST)
    delivery.record(complaint, handler, ReplyDelivery.IN_PERSON, dt.date(2026, 11, 24), now=NOW + dt.timedelta(5))
    assert (complaint.reply_received_on, complaint.reply_received_how) == (dt.date(2026, 11, 24),
                                                                           ReplyDelivery.IN_PERSON)
    record = audit.for_object("complaint", complaint.id)[-1]
    assert (record.action, record.actor) == ("complaint.reply_delivered", f"user:{handler.id}")
    assert '"delivered_on":"2026-11-24"' in record.after and '"how":"in_person"' in record.after


def test_the_day_lies_between_the_reply_and_today_and_only_by_hand(handler):
    complaint = concluded(handler)
    with pytest.raises(delivery.BadDeliveryDay):
        delivery.record(complaint, handler, ReplyDelivery.POST, dt.date(2026, 11, 22), now=NOW)
    with pytest.raises(delivery.BadDeliveryDay):
        delivery.record(complaint, handler, ReplyDelivery.POST, dt.date(2026, 11, 24), now=NOW)
    with pytest.raises(delivery.DeliveryNotOpen):
        delivery.record(complaint, handler, ReplyDelivery.TRACKING_PAGE, dt.date(2026, 11, 23), now=NOW)
    assert delivery.awaiting(complaint)


def test_only_staff_of_the_handling_office_not_recused_record_it(handler):
    complaint = concluded(handler)
    outsider = staff_user("dl.outsider", Role.HANDLER, "630103", "青宁执字0902")
    custodian = staff_user("dl.custodian", Role.CUSTODIAN, "330106")
    for person in (outsider, custodian):
        with pytest.raises(delivery.DeliveryNotOpen):
            delivery.record(complaint, person, ReplyDelivery.POST, dt.date(2026, 11, 23), now=NOW)
    recusal.declare(recusal.kind_of("complaint"), complaint, handler, "本人系该机构股东的近亲属", now=NOW)
    with pytest.raises(delivery.DeliveryNotOpen):
        delivery.record(complaint, handler, ReplyDelivery.POST, dt.date(2026, 11, 23), now=NOW)


def test_a_review_decision_is_a_new_reply_that_must_reach_the_reporter_again(handler):
    complaint = concluded(handler)
    delivery.opened(complaint, NOW)
    tracking.request_review(complaint, "答复不属实。", NOW + dt.timedelta(days=2))
    city = staff_user("dl.city", Role.HANDLER, "330100", "浙杭执字0903")
    casework.apply(complaint, "decide_review", city, "复查意见：维持。", now=NOW + dt.timedelta(days=10))
    assert delivery.awaiting(complaint) and tracking.review_due(complaint) is None
    assert casework.reply_awaited(complaint)
    with pytest.raises(casework.ReplyNotReceived):
        casework.apply(complaint, "archive", city, now=NOW + dt.timedelta(days=100))


# ---- Pages -------------------------------------------------------------------------------------

def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _concluded_case(app, handler_id: int):
    with app.app_context():
        handler = db.session.get(User, handler_id)
        filed = file()
        casework.apply(filed.complaint, "accept", handler)
        casework.apply(filed.complaint, "conclude", handler, REPLY)
        db.session.commit()
        return filed.complaint.id, filed.receipt


def test_the_tracking_page_receives_the_reply_and_shows_the_last_day(app, signed_in):
    officer = signed_in(Role.HANDLER, "330106", username="dl.page", certificate="浙杭执字0910", lang="en")
    complaint_id, receipt = _concluded_case(app, _user_id(app, "dl.page"))
    case_page = officer.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert "Reply not yet received." in case_page and "/steps/archive" not in case_page
    reporter = app.test_client()
    token = open_form(reporter, "/track")["csrf_token"]
    assert reporter.post("/track?lang=en", data={"receipt": receipt, "csrf_token": token}).status_code == 302
    page = reporter.get("/track/case?lang=en").get_data(as_text=True)
    with app.app_context():
        today = clock.today()
        due = tracking.review_due(db.session.get(Complaint, complaint_id)).day
    assert f"received by you on {today:%B} {today.day}, {today.year}" in page
    assert f"Last day to ask for a review (复查): {due:%B} {due.day}, {due.year}" in page
    case_page = officer.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert "Reply not yet received." not in case_page and "Read by the reporter on the tracking page" in case_page


def test_staff_record_a_delivery_on_its_page_and_are_refused_what_they_may_not(app, signed_in):
    officer = signed_in(Role.HANDLER, "330106", username="dl.form", certificate="浙杭执字0911", lang="en")
    complaint_id, _ = _concluded_case(app, _user_id(app, "dl.form"))
    url = f"/staff/cases/{complaint_id}/reply-delivery"
    token = hidden(officer.get(url).get_data(as_text=True), "csrf_token")
    with app.app_context():
        today = clock.today()
    response = officer.post(url, data={"csrf_token": token, "how": "post",
                                       "day": (today + dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 422 and "The day cannot be in the future." in response.get_data(as_text=True)
    response = officer.post(url, data={"csrf_token": token, "day": today.isoformat()})
    assert response.status_code == 422 and "Choose how the reply was delivered." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).reply_received_on is None  # nothing stored
    assert officer.post(url, data={"csrf_token": token, "how": "in_person",
                                   "day": today.isoformat()}).status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert (complaint.reply_received_on, complaint.reply_received_how) == (today, ReplyDelivery.IN_PERSON)
        assert complaint.status is Status.CONCLUDED
    other = signed_in(Role.HANDLER, "630103", certificate="青宁执字0912", lang="en")
    assert other.get(url).status_code == 404
    custodian = signed_in(Role.CUSTODIAN, "330106", lang="en")
    assert custodian.get(url).status_code == 403
