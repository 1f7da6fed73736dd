"""Casework: what staff may do to a case in each state, and what each step records.

The allowed steps are one table (`TRANSITIONS`); `apply` is the only way a case changes state.
Every step writes a timeline entry naming who decided (with their enforcement certificate
number for formal decisions) and an audit record.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import CERTIFIED_ROLES, Role, User
from portal.complaints import deadlines
from portal.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from sqlalchemy import select
from portal.extensions import db
from portal.security import audit

S = Status


@dataclass(frozen=True)
class Step:
    """One step staff can take: from which states, to which state, and what it needs."""

    event: EventKind
    from_states: frozenset[Status]
    to_state: Status | None  # None: the case stays in its state (an extension, a note)
    public: bool = True
    needs_text: bool = False  # a reason, a reply or a message
    formal: bool = False  # a formal decision: only certified staff, named with their number
    roles: frozenset[Role] = frozenset({Role.HANDLER})
    superior: bool = False  # only from a jurisdiction wider than the case's


OPEN = frozenset({S.REGISTERED, S.ACCEPTED, S.IN_PROGRESS})
TRANSITIONS: dict[str, Step] = {
    "accept": Step(EventKind.ACCEPTED, frozenset({S.REGISTERED}), S.ACCEPTED, formal=True),
    "not_accept": Step(EventKind.NOT_ACCEPTED, frozenset({S.REGISTERED}), S.NOT_ACCEPTED,
                       needs_text=True, formal=True),
    "transfer": Step(EventKind.TRANSFERRED, frozenset({S.REGISTERED, S.ACCEPTED}), S.TRANSFERRED,
                     needs_text=True, formal=True),
    "start": Step(EventKind.IN_PROGRESS, frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    "extend": Step(EventKind.EXTENDED, frozenset({S.ACCEPTED, S.IN_PROGRESS}), None, needs_text=True),
    "supervise": Step(EventKind.SUPERVISION, OPEN, None, public=False, needs_text=True,
                      roles=frozenset({Role.HANDLER, Role.ADMIN}), superior=True),
    "message": Step(EventKind.MESSAGE_TO_REPORTER, OPEN | {S.CONCLUDED}, None, needs_text=True),
    "note": Step(EventKind.NOTE, OPEN | {S.CONCLUDED, S.NOT_ACCEPTED, S.TRANSFERRED}, None,
                 public=False, needs_text=True),
    "conclude": Step(EventKind.CONCLUDED, frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.CONCLUDED,
                     needs_text=True, formal=True),
    "archive": Step(EventKind.ARCHIVED, frozenset({S.CONCLUDED, S.NOT_ACCEPTED, S.TRANSFERRED}), S.ARCHIVED),
}


class TransitionNotAllowed(Exception):
    """This step is not possible from the case's state, or not by this person, or not again."""


class TextRequired(ValueError):
    """The step needs a written reason, reply or message."""


def allowed_steps(complaint: Complaint, actor: User) -> list[str]:
    """The steps the case's state and the person's role allow now (for the case page's buttons)."""
    return [name for name, step in TRANSITIONS.items()
            if complaint.status in step.from_states and _may(actor, step, complaint)
            and not (name == "extend" and complaint.extended)]


def _may(actor: User, step: Step, complaint: Complaint) -> bool:
    """Active, of a role the step allows, certified for formal decisions, and in jurisdiction."""
    if not actor.active or actor.role not in step.roles:
        return False
    if step.formal and not (actor.role in CERTIFIED_ROLES and actor.certificate_number):
        return False
    if not accounts.covers(actor, complaint.region_code):
        return False
    return not step.superior or actor.region_code != complaint.region_code


def actor_label(actor: User, formal: bool) -> str:
    """How the timeline names the person: with their certificate number for formal decisions."""
    return f"{actor.display_name}（{actor.certificate_number}）" if formal and actor.certificate_number \
        else actor.display_name


def apply(complaint: Complaint, name: str, actor: User, text: str = "", *, extension_days: int = 0,
          destination: str = "", now: dt.datetime | None = None) -> ComplaintEvent:
    """Take one step on a case, or raise; the only place a case's state changes."""
    step = TRANSITIONS.get(name)
    if step is None or complaint.status not in step.from_states or not _may(actor, step, complaint):
        raise TransitionNotAllowed(name)
    if step.needs_text and not text.strip():
        raise TextRequired(name)
    now = now or clock.now()
    before = {"status": complaint.status.value, "conclusion_due": str(complaint.conclusion_due or "")}
    _effects(complaint, name, now, extension_days, destination)
    if step.to_state is not None:
        complaint.status = step.to_state
    event = ComplaintEvent(complaint_id=complaint.id, kind=step.event, public=step.public, body=text,
                           actor_id=actor.id, actor_label=actor_label(actor, step.formal), created_at=now)
    db.session.add(event)
    db.session.flush()
    after = {"status": complaint.status.value, "conclusion_due": str(complaint.conclusion_due or "")}
    if name == "extend":
        after["days"] = extension_days
    if name == "transfer":
        after["to"] = complaint.transferred_to
    audit.record(f"user:{actor.id}", f"complaint.{name}", "complaint", complaint.id, at=now,
                 before=before, after=after, reason=text if step.formal or name == "extend" else "")
    return event


def _effects(complaint: Complaint, name: str, now: dt.datetime, extension_days: int, destination: str) -> None:
    """What a step changes besides the state: deadlines, the reply time, the destination."""
    if name == "accept":
        due = deadlines.add_period(clock.local_date(now), deadlines.RULES["conclusion"])
        complaint.conclusion_due, complaint.due_provisional = due.day, due.provisional
    elif name == "extend":
        limit = deadlines.RULES["extension_max"].days
        if complaint.extended or not 1 <= extension_days <= limit or complaint.conclusion_due is None:
            raise TransitionNotAllowed("extend")
        # The extension adds to the legal period (from acceptance), not to a day already moved
        # past a holiday; the end of the longer period is then moved off a day off again.
        conclusion = deadlines.RULES["conclusion"]
        longer = deadlines.Rule(conclusion.days + extension_days, conclusion.unit, "extension")
        due = deadlines.add_period(_accepted_on(complaint, now), longer)
        complaint.conclusion_due, complaint.extended = due.day, True
        complaint.due_provisional = complaint.due_provisional or due.provisional
    elif name == "transfer":
        if not destination.strip():
            raise TextRequired("destination")
        complaint.transferred_to = destination.strip()[:200]
    elif name == "conclude":
        complaint.replied_at = now


def _accepted_on(complaint: Complaint, fallback: dt.datetime) -> dt.date:
    """The local day the case was accepted (the conclusion period runs from it)."""
    accepted = db.session.scalar(select(ComplaintEvent.created_at).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == EventKind.ACCEPTED)
        .order_by(ComplaintEvent.id.desc()).limit(1))
    return clock.local_date(accepted or fallback)
