"""The mediation track of a dispute between a parent and an institution, on the workflow engine
(市场监督管理投诉举报处理暂行办法 arts. 16–22).

A parent who wants their money back says so at intake (`Complaint.mediation_requested`). A handler
decides within the rule `mediation_decision` whether the office takes the dispute for mediation, or
not, with the reason the parent reads (the complaint then goes on as an ordinary one). Sessions are
recorded (day, form, who took part, what each side said). Mediation ends within the rule
`mediation_conclusion` with an agreement (amount, the day it will be paid, how) or without one (a
side refused, they could not agree, or the limit passed); both ends issue a written result
(`notices`, kinds in `mediation/kinds.py`). The parent then says on the tracking page whether the
money arrived: kept, or the dispute reopens and counts against the institution. A dispute that
reveals a violation opens the report track as well: a second case, linked, on the enforcement track.
Every step is audited by the engine (`mediation.<step>`); the parent's by `reporter:<case number>`.
"""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from operator import attrgetter

from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import mail as case_mail
from portal.casework.models import Category, Complaint, ComplaintEvent, EventKind, Rating, Status
from portal.enforcement import service as enforcement
from portal.errors import Invalid
from portal.extensions import db
from portal.intake import filing
from portal.mediation import clocks, track
from portal.mediation.models import (
    OPEN_STATES,
    EndReason,
    MediationCase,
    MediationSession,
    MediationState,
    PaidHow,
    SessionForm,
)
from portal.security import audit
from portal.workflow import Recused, StepNotAllowed, Workflow, step, vetoed

M = MediationState
ALL = tuple(MediationState)
TEXT_MAX = 2000
# Violations a dispute may reveal, for the report track's second case.
REPORTABLE = tuple(c for c in Category if c is not Category.OTHER)


class NotADispute(StepNotAllowed):
    """The complaint did not ask for mediation, so it has no mediation track."""


class DayOutOfRange(Invalid):
    """A day lies before what it follows, or in the future (args[0] names the field)."""

    def __init__(self, field: str, earliest: dt.date) -> None:
        super().__init__(field)
        self.earliest = earliest


class LimitNotPassed(Invalid):
    """"The time limit passed" is not a reason before the limit's last day is over."""


class NotConfirmable(StepNotAllowed):
    """Only an agreement not yet confirmed can be confirmed or reported as not kept."""


class NotRatable(StepNotAllowed):
    """The mediation can be rated once, after the money arrived or mediation failed."""


class AlreadyReported(StepNotAllowed):
    """The report track was opened from this dispute already."""


FLOW = Workflow("mediation_case", "mediation", [
    step("take", {M.PENDING}, M.MEDIATING, {Role.HANDLER}),
    step("decline", {M.PENDING}, M.DECLINED, {Role.HANDLER}, reason=True),
    step("session", OPEN_STATES, None, {Role.HANDLER}, audit_reason=False),
    step("agree", OPEN_STATES, M.AGREED, {Role.HANDLER}, audit_reason=False),
    step("end", OPEN_STATES, M.FAILED, {Role.HANDLER}, reason=True, audit_reason=False),
    step("report", ALL, None, {Role.HANDLER}, audit_reason=False),
], region=attrgetter("office_code"))


def for_complaint(complaint: Complaint, *, for_update: bool = False) -> MediationCase | None:
    """The dispute's record on the mediation track, if one was started (locked for a step)."""
    query = select(MediationCase).where(MediationCase.complaint_id == complaint.id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def reported_from(complaint: Complaint) -> MediationCase | None:
    """The dispute whose mediation opened this case on the report track, if any."""
    return db.session.scalar(select(MediationCase).where(MediationCase.report_complaint_id == complaint.id))


def record_for(complaint: Complaint, actor: User) -> MediationCase:
    """The dispute's record, started (pending) the first time staff act on it."""
    if not complaint.mediation_requested:
        raise NotADispute("take")
    found = for_complaint(complaint, for_update=True)
    if found is not None:
        return found
    FLOW.check(actor, None, "take", complaint.handling_region_code)
    if vetoed(actor, "complaint", complaint):
        raise Recused("take")
    found = MediationCase(complaint_id=complaint.id, region_code=complaint.region_code,
                          office_code=complaint.handling_region_code, institution_id=complaint.institution_id,
                          state=M.PENDING)
    db.session.add(found)
    db.session.flush()
    return found


def allowed_steps(record: MediationCase | None, complaint: Complaint, user: User) -> list[str]:
    """The steps open to this person now (for the page's forms). The decision is open while the
    complaint is registered: once accepted, transferred or refused on the ordinary track, it is moot."""
    if record is None:
        if not complaint.mediation_requested or complaint.status is not Status.REGISTERED:
            return []
        probe = MediationCase(state=M.PENDING, office_code=complaint.handling_region_code)
        steps = [name for name in FLOW.allowed(user, probe) if name in ("take", "decline")]
        return [] if vetoed(user, "complaint", complaint) else steps
    steps = FLOW.allowed(user, record)
    if "report" in steps and record.report_complaint_id is not None:
        steps.remove("report")
    if complaint.status is not Status.REGISTERED:
        steps = [name for name in steps if name not in ("take", "decline")]
    return steps


def _within(field: str, day: dt.date, earliest: dt.date, today: dt.date) -> None:
    if not earliest <= day <= today:
        raise DayOutOfRange(field, earliest)


def decide(complaint: Complaint, actor: User, take: bool, decided_on: dt.date, reason: str = "",
           now: dt.datetime | None = None) -> MediationCase:
    """Take the dispute for mediation on `decided_on` (the complaint's acceptance), or not, with the
    reason the parent reads (the complaint stays registered, for the ordinary track)."""
    if complaint.status is not Status.REGISTERED:
        raise StepNotAllowed("take" if take else "decline")
    record = record_for(complaint, actor)
    reason = (reason or "").strip()[:TEXT_MAX]

    def change(moment: dt.datetime) -> dict:
        _within("decided_on", decided_on, complaint.received_on, clock.local_date(moment))
        record.decided_on, record.decided_by_id = decided_on, actor.id
        if not take:
            record.decline_reason = reason
        return {"decided_on": str(decided_on), "complaint": complaint.id}

    FLOW.take(record, "take" if take else "decline", actor, reason if not take else "", change=change, now=now)
    if take:
        track.accept(complaint, record, actor, now)
    case_mail.case_updated(complaint)
    return record


def record_session(record: MediationCase, actor: User, held_on: dt.date, form: SessionForm, participants: str,
                   parent_said: str, institution_said: str, now: dt.datetime | None = None) -> MediationSession:
    """Record one mediation session (not before the dispute was taken, not in the future)."""
    made: list[MediationSession] = []

    def change(moment: dt.datetime) -> dict:
        _within("held_on", held_on, record.decided_on, clock.local_date(moment))
        session = MediationSession(case_id=record.id, held_on=held_on, form=form, participants=participants[:500],
                                   parent_said=parent_said[:TEXT_MAX], institution_said=institution_said[:TEXT_MAX],
                                   recorded_by_id=actor.id)
        db.session.add(session)
        db.session.flush()
        made.append(session)
        return {"session": session.id, "held_on": str(held_on), "form": form.value}  # never what was said

    FLOW.take(record, "session", actor, change=change, now=now)
    return made[0]


def agree(record: MediationCase, complaint: Complaint, actor: User, ended_on: dt.date, amount: Decimal,
          pay_by: dt.date, how: PaidHow, terms: str, now: dt.datetime | None = None) -> None:
    """End mediation with an agreement: the amount in yuan, the day it will be paid, how; the
    written result is issued (a notices listener) in the same transaction."""
    def change(moment: dt.datetime) -> dict:
        _within("ended_on", ended_on, record.decided_on, clock.local_date(moment))
        if pay_by < ended_on:
            raise DayOutOfRange("pay_by", ended_on)
        if amount is None or amount <= 0:
            raise Invalid("amount")
        record.ended_on, record.amount, record.pay_by, record.paid_how = ended_on, amount, pay_by, how
        record.summary, record.end_reason, record.confirmed_on = (terms or "").strip()[:TEXT_MAX], None, None
        return {"ended_on": str(ended_on), "amount": str(amount), "pay_by": str(pay_by), "paid_how": how.value}

    FLOW.take(record, "agree", actor, change=change, now=now)
    track.conclude(complaint, record, actor, now)
    case_mail.case_updated(complaint)


def end(record: MediationCase, complaint: Complaint, actor: User, ended_on: dt.date, why: EndReason, account: str,
        now: dt.datetime | None = None) -> None:
    """End mediation without an agreement (a side refused, no agreement, or the limit passed), with
    the account the parent reads; the written result naming the other routes is issued."""
    account = (account or "").strip()[:TEXT_MAX]

    def change(moment: dt.datetime) -> dict:
        today = clock.local_date(moment)
        _within("ended_on", ended_on, record.decided_on, today)
        if why is EndReason.LIMIT_PASSED and not clocks.limit_passed(record, ended_on):
            raise LimitNotPassed("why")
        record.ended_on, record.end_reason, record.summary = ended_on, why, account
        return {"ended_on": str(ended_on), "end_reason": why.value}

    FLOW.take(record, "end", actor, account, change=change, now=now)
    track.conclude(complaint, record, actor, now)
    case_mail.case_updated(complaint)


def open_report(record: MediationCase, complaint: Complaint, actor: User, category: Category, facts: str,
                now: dt.datetime | None = None) -> Complaint:
    """Open the report track on what the dispute revealed: a second case (the office's own lead,
    without the parent's identity), taken as a report of a violation, linked to this one."""
    now = now or clock.now()
    if record.report_complaint_id is not None:
        raise AlreadyReported("report")
    FLOW.check(actor, record, "report")
    draft = filing.Draft(category=category, region_code=complaint.region_code, description=facts,
                         institution_id=complaint.institution_id, institution_name=complaint.institution_name,
                         institution_address=complaint.institution_address, occurred_on=complaint.occurred_on,
                         ongoing=complaint.ongoing, source=complaint.source)
    second = filing.register_by_staff(actor, draft, secrets.token_urlsafe(32), clock.local_date(now), now).complaint

    def change(_moment: dt.datetime) -> dict:
        record.report_complaint_id = second.id
        return {"report_case": second.id}

    FLOW.take(record, "report", actor, change=change, now=now)
    for case, other in ((complaint, second), (second, complaint)):
        db.session.add(ComplaintEvent(complaint_id=case.id, kind=EventKind.NOTE, public=False, actor_id=actor.id,
                                      body=f"mediation ⇄ {other.case_number}"))
    enforcement.record_lead(second, actor, now)
    return second


def _reporter(complaint: Complaint) -> str:
    return filing.reporter_actor(complaint)


def confirm_payment(record: MediationCase, complaint: Complaint, arrived: bool, now: dt.datetime | None = None
                    ) -> None:
    """The parent's word on the agreed money: arrived (kept), or not (the dispute reopens and the
    broken agreement counts against the institution)."""
    now = now or clock.now()
    if record.state is not M.AGREED:
        raise NotConfirmable("confirm")
    before = record.state
    record.confirmed_on = clock.local_date(now)
    if arrived:
        record.state = M.KEPT
    else:
        record.state, record.broken_count = M.REOPENED, record.broken_count + 1
    db.session.flush()
    audit.record(_reporter(complaint), "mediation.paid" if arrived else "mediation.not_paid", "mediation_case",
                 record.id, at=now, before={"state": before.value}, after={"state": record.state.value})
    if not arrived:
        track.reopen(complaint, record, now)


def may_rate(record: MediationCase | None) -> bool:
    return record is not None and record.rating is None and record.state in (M.KEPT, M.FAILED)


def rate(record: MediationCase, complaint: Complaint, rating: Rating, now: dt.datetime | None = None) -> None:
    """The parent's rating of the mediation, once, after the money arrived or mediation failed."""
    now = now or clock.now()
    if not may_rate(record):
        raise NotRatable("rate")
    record.rating, record.rated_at = rating, now
    track.rated(complaint, record, now)
    db.session.flush()
    audit.record(_reporter(complaint), "mediation.rated", "mediation_case", record.id, at=now,
                 after={"rating": rating.value})
