"""Extending a case's time limit (信访工作条例 art. 34): asked for by a handler with the reason,
decided by the head of the office handling the case (经本机关负责人批准) — never the one who
asked — through the workflow engine. Until the decision the deadline stands; an approval adds the
days to the legal period, tells the reporter the reason on the tracking page, and can happen once."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts.models import Role, User
from portal.accounts.service import OFFICE_HEAD_ROLES
from portal.casework import deadlines
from portal.casework import mail as notifications
from portal.casework import service as casework
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Status
from portal.deadline_extensions import mail
from portal.deadline_extensions.models import ExtensionRequest, ExtensionState
from portal.errors import Invalid
from portal.extensions import db
from portal.regions import service as regions
from portal.security import audit
from portal.workflow import ReasonRequired, Recused, StepNotAllowed, Workflow, step, vetoed

E = ExtensionState
EXTENDABLE = (Status.ACCEPTED, Status.IN_PROGRESS)
REASON_MAX = 2000


class ExtensionNotOpen(StepNotAllowed):
    """The case cannot be extended now: not being handled, extended already, a request already
    waiting, or its time limit has run out."""


class TooManyDays(Invalid):
    """More days than the law allows (at most 30), or none."""


def _head_of_the_office(user: User, record: ExtensionRequest, found) -> bool:
    """Only the head of the office that handles the case decides (本机关负责人, art. 34)."""
    return found.name == "request" or (user.office_head and user.region_code == record.region_code)


FLOW = Workflow("extension_request", "extension", [
    step("request", {E.PENDING}, None, {Role.HANDLER}, certificate=True),  # checked before the record exists
    step("approve", {E.PENDING}, E.APPROVED, OFFICE_HEAD_ROLES, other_than_author=True),
    step("refuse", {E.PENDING}, E.REFUSED, OFFICE_HEAD_ROLES, other_than_author=True, reason=True),
], authors=lambda record: {record.requested_by_id}, guard=_head_of_the_office)


def requests_on(complaint: Complaint) -> list[ExtensionRequest]:
    """The case's extension requests, oldest first."""
    return list(db.session.scalars(select(ExtensionRequest).where(ExtensionRequest.complaint_id == complaint.id)
                                   .order_by(ExtensionRequest.id)))


def pending(complaint: Complaint) -> ExtensionRequest | None:
    return next((r for r in requests_on(complaint) if r.state is E.PENDING), None)


def waiting_in(user: User) -> list[ExtensionRequest]:
    """Requests waiting in the person's jurisdiction, oldest first, with their cases (the head's queue)."""
    prefix = regions.get(user.region_code).scope_prefix
    return list(db.session.scalars(select(ExtensionRequest).where(
        ExtensionRequest.state == E.PENDING, ExtensionRequest.region_code.startswith(prefix))
        .options(selectinload(ExtensionRequest.complaint)).order_by(ExtensionRequest.id)))


def open_to_extend(complaint: Complaint, today: dt.date) -> bool:
    """Being handled, not extended yet, and its time limit not yet run out."""
    return (complaint.status in EXTENDABLE and not complaint.extended and complaint.conclusion_due is not None
            and today <= complaint.conclusion_due)


def may_request(complaint: Complaint, user: User, today: dt.date) -> bool:
    return (open_to_extend(complaint, today) and pending(complaint) is None
            and _may_start(user, complaint))


def _may_start(user: User, complaint: Complaint) -> bool:
    """Whether the engine lets the person ask for an extension in the case's office."""
    try:
        _check_start(user, complaint)
    except StepNotAllowed:
        return False
    return True


def _check_start(user: User, complaint: Complaint) -> None:
    """The engine's check for a request not yet made: role, jurisdiction, certificate, no recusal."""
    FLOW.check(user, None, "request", complaint.handling_region_code)
    if vetoed(user, "complaint", complaint):
        raise Recused("request")


def may_decide(request: ExtensionRequest, user: User) -> bool:
    return FLOW.may(user, request, "approve")


def max_days(complaint: Complaint, now: dt.datetime | None = None) -> int:
    """The longest extension the rules allow for the case's province now (信访工作条例 art. 34: 30 days)."""
    return deadlines.rule("extension_max", complaint.region_code, now).days


def request(complaint: Complaint, actor: User, days: int, reason: str, now: dt.datetime | None = None
            ) -> ExtensionRequest:
    """A handler asks for `days` more with the reason; nothing changes on the case until decided."""
    now = now or clock.now()
    _check_start(actor, complaint)
    if not open_to_extend(complaint, clock.local_date(now)) or pending(complaint) is not None:
        raise ExtensionNotOpen("request")
    if not 1 <= days <= max_days(complaint, now):
        raise TooManyDays(days)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ReasonRequired("request")
    found = ExtensionRequest(complaint_id=complaint.id, region_code=complaint.handling_region_code, days=days,
                             reason=reason, requested_by_id=actor.id, created_at=now,
                             requested_by_label=casework.actor_label(actor, True))
    db.session.add(found)
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.EXTENSION_REQUESTED, public=False,
                                  body=reason, actor_id=actor.id, actor_label=found.requested_by_label, created_at=now))
    db.session.flush()
    audit.record(f"user:{actor.id}", "extension.request", "extension_request", found.id, at=now,
                 after={"complaint": complaint.id, "days": days, "conclusion_due": str(complaint.conclusion_due)},
                 reason=reason)
    mail.request_waiting(found, complaint)  # the heads of the office, after the commit
    return found


def decide(found: ExtensionRequest, complaint: Complaint, actor: User, approve: bool, note: str = "",
           now: dt.datetime | None = None) -> None:
    """The head of the office approves (the time limit is extended now) or refuses with the reason."""
    def change(moment: dt.datetime) -> dict:
        if approve and not open_to_extend(complaint, clock.local_date(moment)):
            raise ExtensionNotOpen("approve")
        found.decided_by_id, found.decided_at, found.decision_note = actor.id, moment, (note or "").strip()
        if not approve:
            db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.EXTENSION_REFUSED, public=False,
                                          body=found.decision_note, actor_id=actor.id,
                                          actor_label=casework.actor_label(actor, True), created_at=moment))
            return {"complaint": complaint.id}
        before = str(complaint.conclusion_due)
        _extend(complaint, found.days, moment)
        db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.EXTENDED, public=True,
                                      body=found.reason, actor_id=actor.id,
                                      actor_label=casework.actor_label(actor, True), created_at=moment))
        db.session.flush()
        audit.record(f"user:{actor.id}", "complaint.extend", "complaint", complaint.id, at=moment,
                     before={"conclusion_due": before}, reason=found.reason,
                     after={"conclusion_due": str(complaint.conclusion_due), "days": found.days,
                            "extension_request": found.id, "asked_by": found.requested_by_id})
        return {"complaint": complaint.id, "conclusion_due": str(complaint.conclusion_due)}

    FLOW.take(found, "approve" if approve else "refuse", actor, note, change=change, now=now)
    if approve:
        notifications.case_updated(complaint)  # the reporter reads the reason on the tracking page


def _extend(complaint: Complaint, days: int, now: dt.datetime) -> None:
    """The extension adds to the legal period (from the day of acceptance), not to a day already
    moved past a holiday; the end of the longer period is then moved off a day off again."""
    accepted = db.session.scalar(select(ComplaintEvent.created_at).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == EventKind.ACCEPTED)
        .order_by(ComplaintEvent.id.desc()).limit(1))
    # the legal period in force when the case was accepted, as acceptance counted it
    rule = deadlines.conclusion_rule(complaint.region_code, accepted or now, days)
    due = deadlines.add_period(clock.local_date(accepted or now), rule)
    complaint.conclusion_due, complaint.extended = due.day, True
    complaint.due_provisional = complaint.due_provisional or due.provisional
    complaint.next_due = casework.current_due(complaint)


def approved_days(complaint_ids: list[int]) -> dict[int, int]:
    """The days each case's time limit was extended by (cases never extended are left out)."""
    rows = db.session.execute(select(ExtensionRequest.complaint_id, ExtensionRequest.days).where(
        ExtensionRequest.complaint_id.in_(complaint_ids), ExtensionRequest.state == E.APPROVED))
    found: dict[int, int] = {}
    for complaint_id, days in rows:
        found[complaint_id] = found.get(complaint_id, 0) + days
    return found


def panel(complaint: Complaint, user: User) -> dict | None:
    """The case page's extension panel; none while the case was never open to one."""
    requests, today = requests_on(complaint), clock.today()
    if not requests and complaint.status not in EXTENDABLE:
        return None
    waiting = next((r for r in requests if r.state is E.PENDING), None)
    return {"requests": requests, "pending": waiting, "may_request": may_request(complaint, user, today),
            "may_decide": waiting is not None and may_decide(waiting, user), "extended": complaint.extended}
