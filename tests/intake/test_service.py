"""Intake rules: numbering, deadlines, sealing, idempotency, files; and the reporter's actions."""
import datetime as dt
import json
import secrets

import pytest
from sqlalchemy import func, select

from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.casework import lookup
from portal.casework.exceptions import OutsideJurisdiction
from portal.casework.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    EventKind,
    NotifyChannel,
    Rating,
    Source,
    Status,
)
from portal.casework.timeline import public_timeline as timeline_of
from portal.casework.timeline import written_reply
from portal.extensions import db
from portal.intake import filing, tracking
from portal.reply_delivery import service as reply_delivery
from portal.security import audit, crypto, receipts
from portal.security.attachments import clean
from tests.support import files
from tests.support.complaints import draft, file, named_identity


def test_case_numbers_count_per_county_and_day(ctx):
    first = file(received_on=dt.date(2026, 11, 22))
    second = file(received_on=dt.date(2026, 11, 22))
    other_county = file(received_on=dt.date(2026, 11, 22), region_code="630106")
    next_day = file(received_on=dt.date(2026, 11, 23))
    assert first.complaint.case_number.startswith("330106-20261122-")
    assert int(second.complaint.case_number[-4:]) == int(first.complaint.case_number[-4:]) + 1
    assert other_county.complaint.case_number.startswith("630106-20261122-")
    assert next_day.complaint.case_number.startswith("330106-20261123-")


def test_acceptance_deadline_runs_from_the_day_received(ctx):
    filed = file(received_on=dt.date(2026, 9, 16))
    # 15 days from 16 September is 1 October, a holiday: the period ends on the next working day.
    assert filed.complaint.acceptance_due == dt.date(2026, 10, 8)
    assert filed.complaint.due_provisional is False
    late = file(received_on=dt.date(2026, 12, 20))
    assert late.complaint.acceptance_due == dt.date(2027, 1, 4) and late.complaint.due_provisional


def test_receipt_is_stored_only_as_its_keyed_hash(ctx):
    filed = file()
    assert filed.complaint.receipt_digest == receipts.digest(filed.receipt, crypto.pepper())
    assert lookup.find_by_receipt(receipts.display(filed.receipt).lower()).id == filed.complaint.id


def test_named_identity_is_sealed_and_opens_only_with_the_private_key(ctx):
    filed = file(identity=named_identity(),
                 notify_channel=NotifyChannel.EMAIL, notify_contact="marker.reporter@example.org")
    complaint = filed.complaint
    assert complaint.anonymous is False
    assert crypto.open_identity(complaint.reporter_sealed)["id_number"] == "11010519491231002X"
    assert crypto.decrypt_text(complaint.notify_contact_encrypted) == "marker.reporter@example.org"


def test_anonymous_complaints_carry_no_identity(ctx):
    complaint = file().complaint
    assert complaint.anonymous and complaint.reporter_sealed is None and complaint.notify_contact_encrypted is None


def test_same_form_token_files_once_and_replays_the_receipt(ctx):
    token = secrets.token_urlsafe(32)
    first = filing.file_complaint(draft(), token, dt.date(2026, 11, 22))
    again = filing.file_complaint(draft(), token, dt.date(2026, 11, 22))
    assert again.replayed and not first.replayed
    assert again.receipt == first.receipt and again.complaint.id == first.complaint.id
    count = db.session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.form_token_digest == filing.token_digest(token)))
    assert count == 1


def test_a_used_token_with_another_story_is_refused_not_replayed(ctx):
    token = secrets.token_urlsafe(32)
    filing.file_complaint(draft(), token, dt.date(2026, 11, 22))
    with pytest.raises(filing.FormAlreadyUsed):
        filing.file_complaint(draft(description="一个完全不同的描述，第二次提交的内容。"), token,
                               dt.date(2026, 11, 22))


def test_replay_needs_the_same_session_and_fresh_minutes(ctx):
    token = secrets.token_urlsafe(32)
    first = filing.file_complaint(draft(), token, dt.date(2026, 11, 22))
    with pytest.raises(filing.FormAlreadyUsed):
        filing.file_complaint(draft(), token, dt.date(2026, 11, 22), same_session=False)
    later = first.complaint.created_at + filing.REPLAY_WINDOW + dt.timedelta(seconds=1)
    with pytest.raises(filing.FormAlreadyUsed):
        filing.file_complaint(draft(), token, dt.date(2026, 11, 22), now=later)
    assert first.complaint.receipt_replay is None  # gone for good once too late


def test_receipts_kept_for_retries_are_deleted_by_the_daily_job_once_past_their_window(app, runner):
    """Nobody retries after the window: the daily job deletes the receipt even if no retry ever comes."""
    with app.app_context():
        old, fresh = file().complaint, file().complaint
        old.created_at = old.created_at - filing.REPLAY_WINDOW - dt.timedelta(seconds=1)
        db.session.commit()
        ids = old.id, fresh.id
    result = runner.invoke(args=["complaints", "forget-receipts"])
    assert result.exit_code == 0, result.output
    assert "past their window and deleted" in result.output
    with app.app_context():
        old, fresh = (db.session.get(Complaint, id_) for id_ in ids)
        assert old.receipt_replay is None
        assert fresh.receipt_replay is not None  # still inside its 15 minutes: a retry may come


def test_files_are_encrypted_with_their_own_keys(ctx):
    photo = clean(files.jpeg_with_gps(), "photo.jpg")
    scan = clean(files.pdf_with_author(), "scan.pdf")
    complaint = file(files=[photo, scan]).complaint
    stored = list(db.session.scalars(select(Attachment).where(Attachment.complaint_id == complaint.id)
                                     .order_by(Attachment.id)))
    assert [a.filename for a in stored] == ["evidence-1.jpg", "evidence-2.pdf"]
    assert stored[0].wrapped_key != stored[1].wrapped_key
    assert photo.data not in stored[0].ciphertext
    assert crypto.decrypt_file(crypto.Sealed(stored[0].ciphertext, stored[0].wrapped_key)) == photo.data


def test_registration_is_the_first_public_event(ctx):
    complaint = file().complaint
    events = timeline_of(complaint)
    assert [e.kind for e in events] == [EventKind.REGISTERED]


def test_wrong_unknown_and_malformed_receipts_fail_alike(ctx):
    real = file().receipt
    wrong = real[:-1] + ("0" if real[-1] != "0" else "1")
    for typed in (wrong, receipts.generate(), "not a code", "", None):
        with pytest.raises(lookup.ReceiptNotFound):
            lookup.find_by_receipt(typed)


def test_supplement_until_archived(ctx):
    complaint = file().complaint
    event = tracking.add_supplement(complaint, "又发现他们在周六上课。", [clean(files.webp(), "a.webp")])
    assert event.public and event.kind is EventKind.SUPPLEMENT
    complaint.status = Status.ARCHIVED
    with pytest.raises(tracking.CaseClosed):
        tracking.add_supplement(complaint, "晚了", [])


def conclude(complaint: Complaint, replied_at: dt.datetime) -> None:
    """What the casework (staff) side does on conclusion; here only as test setup."""
    complaint.status = Status.CONCLUDED
    complaint.replied_at = replied_at
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.CONCLUDED,
                                  body="经查，该机构无证经营，已责令停止并退还费用。"))
    db.session.flush()


def test_rating_only_after_conclusion_and_only_once(ctx):
    complaint = file().complaint
    with pytest.raises(tracking.NotRatable):
        tracking.rate(complaint, Rating.SATISFIED, "")
    conclude(complaint, dt.datetime(2026, 12, 1, 2, tzinfo=dt.timezone.utc))
    assert written_reply(complaint).body.startswith("经查")
    tracking.rate(complaint, Rating.UNSATISFIED, "没有退费")
    with pytest.raises(tracking.NotRatable):
        tracking.rate(complaint, Rating.SATISFIED, "")


@pytest.mark.parametrize("rating", [None, Rating.SATISFIED, Rating.BASICALLY_SATISFIED, Rating.UNSATISFIED])
def test_review_whatever_the_rating_within_30_days_and_once(ctx, rating):
    """信访工作条例 art. 35: the right to ask for 复查 does not depend on the rating."""
    complaint = file().complaint
    replied = dt.datetime(2026, 12, 1, 2, tzinfo=dt.timezone.utc)
    conclude(complaint, replied)
    assert tracking.review_due(complaint) is None  # not received yet: nothing runs
    reply_delivery.opened(complaint, replied)  # the reporter reads it on the tracking page that day
    if rating:
        tracking.rate(complaint, rating, "")
    assert tracking.review_due(complaint).day == dt.date(2026, 12, 31)
    day_29 = replied + dt.timedelta(days=29)
    assert tracking.can_request_review(complaint, day_29.date())
    with pytest.raises(tracking.ReviewNotAllowed):
        tracking.request_review(complaint, "不满意答复内容", replied + dt.timedelta(days=31))
    tracking.request_review(complaint, "不满意答复内容", day_29)
    assert complaint.review_requested_at == day_29 and complaint.status is Status.UNDER_REVIEW
    with pytest.raises(tracking.ReviewNotAllowed):
        tracking.request_review(complaint, "再次申请", day_29)


def test_next_step_follows_the_status(ctx):
    complaint = file(received_on=dt.date(2026, 11, 22)).complaint
    step = tracking.next_step(complaint)
    assert step.due == dt.date(2026, 12, 7)
    conclude(complaint, dt.datetime(2026, 12, 1, 2, tzinfo=dt.timezone.utc))
    assert tracking.next_step(complaint) is None  # the reply has not reached the reporter
    reply_delivery.opened(complaint, dt.datetime(2026, 12, 3, 2, tzinfo=dt.timezone.utc))
    assert tracking.next_step(complaint).due == dt.date(2027, 1, 4)  # 01-02 is a Saturday


def test_a_request_for_review_shows_the_reporter_has_the_reply(ctx):
    """A reporter who asks for a review without the page having marked the reply read (an old
    session) has it: the request's day is the day of receipt."""
    complaint = file().complaint
    conclude(complaint, dt.datetime(2026, 12, 1, 2, tzinfo=dt.timezone.utc))
    asked = dt.datetime(2027, 1, 20, 2, tzinfo=dt.timezone.utc)  # 50 days after the reply was made
    tracking.request_review(complaint, "不满意答复内容", asked)
    assert complaint.reply_received_on == dt.date(2027, 1, 20) and complaint.status is Status.UNDER_REVIEW


def test_staff_register_only_in_their_jurisdiction_and_the_trail_names_them(ctx):
    officer, _ = accounts.create_user("reg.handler", "王登记", Role.HANDLER, "330106", "浙杭执字0099")
    before = db.session.scalar(select(func.count()).select_from(Complaint))
    with pytest.raises(OutsideJurisdiction):
        filing.register_by_staff(officer, draft(region_code="630103", source=Source.LETTER),
                                 secrets.token_urlsafe(32), dt.date(2026, 11, 20))
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == before
    filed = filing.register_by_staff(officer, draft(source=Source.PHONE), secrets.token_urlsafe(32),
                                     dt.date(2026, 11, 20))
    assert filed.complaint.source is Source.PHONE and filed.complaint.received_on == dt.date(2026, 11, 20)
    [record] = [r for r in audit.for_object("complaint", filed.complaint.id)
                if r.action == "complaint.registered_by_staff"]
    assert record.actor == f"user:{officer.id}"
    assert json.loads(record.after) == {"source": "phone", "received_on": "2026-11-20"}
