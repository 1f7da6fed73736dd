"""The complaint's own states follow its dispute on the mediation track: taking it is the
acceptance (受理) with the mediation limit as the conclusion due; the ordinary acceptance waits for
that decision; mediation's written result concludes the case with no review after it; an agreement
not kept brings the case back with a new period; archiving waits for the parent's word on the money."""
import datetime as dt
from decimal import Decimal

import pytest

from portal.accounts.models import Role
from portal.casework import service as casework
from portal.casework.models import Category, ComplaintEvent, EventKind, Rating, Status
from portal.extensions import db
from portal.intake import tracking
from portal.mediation import clocks, service, track
from portal.mediation.models import EndReason, MediationState, PaidHow
from portal.security import audit
from portal.stats import facts
from portal.workflow import StepNotAllowed
from tests.support.accounts import staff_user
from tests.support.complaints import file, named_identity

MONDAY = dt.date(2026, 9, 28)  # National Day week follows: 1–7 October off, Saturday 10 October worked
LATER = dt.datetime(2026, 12, 30, 4, 0, tzinfo=dt.timezone.utc)
AGREED_ON, PAY_BY = dt.date(2026, 10, 12), dt.date(2026, 10, 30)


def dispute():
    return file(received_on=MONDAY, category=Category.FEES_REFUNDS, identity=named_identity(), mediation=True,
                description="报名时预交了一年学费一万二千元，上了两个月课后机构拒绝退还剩余学费。").complaint


@pytest.fixture
def handler(ctx):
    return staff_user("track.handler", Role.HANDLER, "330106", display_name="吴调解")


def kinds(complaint) -> list[EventKind]:
    return list(db.session.scalars(db.select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint.id)
                                   .order_by(ComplaintEvent.id)))


def agreed(handler):
    complaint = dispute()
    record = service.decide(complaint, handler, True, MONDAY, now=LATER)
    service.agree(record, complaint, handler, AGREED_ON, Decimal("7500.00"), PAY_BY, PaidHow.BANK_TRANSFER,
                  "机构退还剩余学费。", now=LATER)
    return complaint, record


def said(app, lazy) -> str:
    with app.test_request_context("/?lang=en"):
        return str(lazy)


def test_the_ordinary_acceptance_waits_for_the_decision_to_mediate(app, handler):
    complaint = dispute()
    assert "accept" not in casework.allowed_steps(complaint, handler)
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "accept", handler)
    assert "mediation track" in said(app, casework.held(complaint, "accept", MONDAY))
    assert complaint.status is Status.REGISTERED
    service.decide(complaint, handler, False, MONDAY, "双方已在法院诉讼。", now=LATER)
    assert complaint.status is Status.REGISTERED  # declined: the ordinary track decides acceptance
    assert "accept" in casework.allowed_steps(complaint, handler)
    casework.apply(complaint, "accept", handler)
    assert complaint.status is Status.ACCEPTED


def test_taking_the_dispute_accepts_the_case_due_when_mediation_must_end(handler):
    complaint = dispute()
    record = service.decide(complaint, handler, True, MONDAY, now=LATER)
    assert complaint.status is Status.ACCEPTED
    assert complaint.conclusion_due == complaint.next_due == clocks.conclusion_due(record).day == dt.date(2026, 12, 4)
    assert kinds(complaint)[-1] is EventKind.MEDIATION_TAKEN
    assert "complaint.mediate" in [r.action for r in audit.for_object("complaint", complaint.id)]
    # The ordinary conclusion waits for mediation's end; the decision cannot be taken twice.
    assert "conclude" not in casework.allowed_steps(complaint, handler)
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "conclude", handler, "答复。")
    assert service.allowed_steps(record, complaint, handler) == ["session", "agree", "end", "report"]
    db.session.commit()
    counted = facts.complaints(ids=[complaint.id])[complaint.id].facts
    assert ("accepted", "2026-12", "") in counted


def test_no_decision_once_the_complaint_left_registration(handler):
    complaint = dispute()
    casework.apply(complaint, "transfer", handler, "转至市场监管局。", destination="西湖区市场监督管理局")
    assert service.allowed_steps(None, complaint, handler) == []
    with pytest.raises(StepNotAllowed):
        service.decide(complaint, handler, True, MONDAY, now=LATER)


def test_the_written_result_concludes_the_case_with_no_review_after_it(handler):
    complaint, record = agreed(handler)
    assert complaint.status is Status.CONCLUDED and complaint.replied_at is not None
    assert kinds(complaint)[-1] is EventKind.MEDIATION_ENDED
    entry = db.session.scalars(db.select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                               .order_by(ComplaintEvent.id.desc())).first()
    assert entry.public and entry.body == ("调解达成协议：机构于2026-10-30前退还人民币7,500.00元（银行转账）。"
                                           " 机构退还剩余学费。")
    assert track.final(complaint)
    assert not casework.may_open_review(complaint) and not casework.reply_awaited(complaint)
    assert not tracking.can_rate(complaint)  # rated on the mediation part, once the money arrived
    db.session.commit()
    counted = facts.complaints(ids=[complaint.id])[complaint.id].facts
    assert {("concluded", "2026-12", ""), ("with_deadline", "2026-12", "")} <= counted


def test_archiving_waits_for_the_parents_word_on_the_money(app, handler):
    complaint, record = agreed(handler)
    assert "archive" not in casework.allowed_steps(complaint, handler, today=PAY_BY)
    # Held until 30 days after the pay-by day.
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "archive", handler, now=dt.datetime(2026, 11, 2, 2, tzinfo=dt.timezone.utc))
    assert "2026-11-29" in said(app, casework.held(complaint, "archive", dt.date(2026, 11, 2)))
    assert "archive" in casework.allowed_steps(complaint, handler, today=dt.date(2026, 11, 30))
    service.confirm_payment(record, complaint, True, now=LATER)
    assert "archive" in casework.allowed_steps(complaint, handler, today=PAY_BY)
    service.rate(record, complaint, Rating.SATISFIED, now=LATER)
    assert complaint.rating is Rating.SATISFIED and kinds(complaint)[-1] is EventKind.RATED
    casework.apply(complaint, "archive", handler)
    assert complaint.status is Status.ARCHIVED


def test_an_agreement_not_kept_brings_the_case_back_with_a_new_period(handler):
    complaint, record = agreed(handler)
    service.confirm_payment(record, complaint, False, now=LATER)
    assert record.state is MediationState.REOPENED and record.reopened_on == dt.date(2026, 12, 30)
    assert complaint.status is Status.IN_PROGRESS and kinds(complaint)[-1] is EventKind.MEDIATION_REOPENED
    # 45 working days from Wednesday 30 December 2026 (New Year's Day off).
    assert complaint.conclusion_due == clocks.conclusion_due(record).day > dt.date(2027, 2, 1)
    assert not track.final(complaint) and not casework.may_open_review(complaint)
    assert [r.action for r in audit.for_object("complaint", complaint.id)][-1] == "complaint.mediation_reopened"
    service.end(record, complaint, handler, dt.date(2026, 12, 30), EndReason.INSTITUTION_REFUSED, "机构拒不履行。",
                now=LATER)
    assert complaint.status is Status.CONCLUDED and track.final(complaint)


def test_another_handler_of_another_county_cannot_take_it(ctx, handler):
    complaint = dispute()
    stranger = staff_user("med.other", Role.HANDLER, "330108")
    with pytest.raises(StepNotAllowed):
        service.decide(complaint, stranger, True, MONDAY, now=LATER)
    assert complaint.status is Status.REGISTERED
