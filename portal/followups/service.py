"""Follow-up calls (回访): which cases are due one, recording a call, and sending the case back for
handling after an unsatisfied call where the province's rule says so.

A case is due a call once its written reply is made, when it came by phone, letter, visit or the
12345 hotline from a named reporter (an anonymous one cannot be called), until a call that reached
the reporter is recorded after that reply; a new reply (after a review or a reopening) is due
again. The call is due within `follow_up` working days of the reply (`portal.rules`). Reopening is
a workflow step of its own (`REOPEN`): the case is in progress again, with a new conclusion period
counted from the day, its timeline says so to the reporter, and it is audited."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import and_, exists, func, select

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework import deadlines
from portal.casework import mail as case_mail
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Rating, Source, Status
from portal.casework.service import CaseStep, timeline_entry
from portal.errors import Conflict, Invalid
from portal.extensions import db
from portal.followups.models import FollowUp
from portal.regions import service as regions
from portal.rules import service as rules
from portal.security import audit
from portal.workflow import Workflow

ROLES = (Role.HANDLER, Role.ADMIN)
SOURCES = (Source.PHONE, Source.LETTER, Source.VISIT, Source.HOTLINE_12345)
COMMENTS_MAX = 1000
# The internal timeline entry's words, in Chinese like the documents of the case.
SPOKEN = {Rating.SATISFIED: "回访：满意", Rating.BASICALLY_SATISFIED: "回访：基本满意",
          Rating.UNSATISFIED: "回访：不满意", None: "回访：未接通"}


# Features told of every call recorded, in its transaction (the 12345 hotline's callback).
_recorded: list[Callable[[Complaint, FollowUp], object]] = []


def add_recorded_listener(listener: Callable[[Complaint, FollowUp], object]) -> None:
    if listener not in _recorded:
        _recorded.append(listener)


class FollowUpNotOpen(Conflict):
    """The case is not due a call (no reply, an online or anonymous reporter, called already), or
    the person may not record it (another office, another role, stepped aside)."""


class RatingRequired(Invalid):
    """A call that reached the reporter records their rating; one that did not records none."""



# Handled again after an unsatisfied call (本地规定: the rule `follow_up_reopens`), taken only here.
REOPEN = Workflow("complaint", "complaint", [
    CaseStep("reopen", frozenset({Status.CONCLUDED}), Status.IN_PROGRESS, frozenset(ROLES),
             event=EventKind.REOPENED, public=True),
], state="status", region=attrgetter("handling_region_code"), history=timeline_entry)


def _called() -> exists:
    return exists().where(FollowUp.complaint_id == Complaint.id, FollowUp.reached.is_(True),
                          FollowUp.created_at >= Complaint.replied_at)


def eligible(complaint: Complaint) -> bool:
    """Whether the case is due a call now (its latest reply not yet followed by a call that reached)."""
    return (complaint.status is Status.CONCLUDED and complaint.replied_at is not None
            and complaint.source in SOURCES and not complaint.anonymous
            and not db.session.scalar(select(_called().where(Complaint.id == complaint.id))))


def due_day(complaint: Complaint) -> dt.date:
    """The last day for the call: `follow_up` working days after the reply's day."""
    rule = deadlines.rule("follow_up", complaint.region_code, complaint.replied_at)
    return deadlines.add_period(clock.local_date(complaint.replied_at), rule).day


@dataclass(frozen=True)
class Due:
    complaint: Complaint
    day: dt.date
    attempts: int  # calls after the reply that did not reach the reporter


def _due_query(user: User):
    prefix = regions.get(user.region_code).scope_prefix
    return (Complaint.status == Status.CONCLUDED, Complaint.replied_at.is_not(None), Complaint.source.in_(SOURCES),
            Complaint.anonymous.is_(False), Complaint.handling_region_code.startswith(prefix), ~_called())


def due(user: User, limit: int | None = None) -> list[Due]:
    """The cases of the person's jurisdiction due a call, the earliest reply (so the earliest last
    day, under one rule) first; the first `limit` of them."""
    tries = select(func.count()).where(FollowUp.complaint_id == Complaint.id, FollowUp.reached.is_(False),
                                       FollowUp.created_at >= Complaint.replied_at).scalar_subquery()
    rows = db.session.execute(select(Complaint, tries).where(*_due_query(user))
                              .order_by(Complaint.replied_at, Complaint.id).limit(limit))
    return [Due(complaint, due_day(complaint), attempts) for complaint, attempts in rows]


def due_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Complaint).where(*_due_query(user))) or 0


def calls(complaint: Complaint) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(FollowUp.complaint_id == complaint.id)
                                   .order_by(FollowUp.id)))


def may_record(complaint: Complaint, user: User) -> bool:
    return (user.active and user.role in ROLES and accounts.covers(user, complaint.handling_region_code)
            and not workflow.vetoed(user, "complaint", complaint) and eligible(complaint))


def reopens(complaint: Complaint, at: dt.datetime) -> bool:
    """Whether the province's rule sends a case back for handling after an unsatisfied call."""
    return bool(rules.value("follow_up_reopens", complaint.region_code, at))


def record(complaint: Complaint, user: User, reached: bool, rating: Rating | None, comments: str = "",
           now: dt.datetime | None = None) -> FollowUp:
    """Record a call; an unsatisfied reporter's case is handled again where the rule says so."""
    if not may_record(complaint, user):
        raise FollowUpNotOpen(complaint.id)
    if reached != (rating is not None):
        raise RatingRequired(complaint.id)
    now = now or clock.now()
    call = FollowUp(complaint_id=complaint.id, region_code=complaint.region_code, reached=reached, rating=rating,
                    comments=(comments or "").strip()[:COMMENTS_MAX], recorded_by_id=user.id, created_at=now)
    db.session.add(call)
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.FOLLOW_UP, public=False,
                                  body=SPOKEN[rating], actor_id=user.id,
                                  actor_label=user.display_name, created_at=now))
    db.session.flush()
    audit.record(f"user:{user.id}", "complaint.follow_up", "complaint", complaint.id, at=now,
                 after={"follow_up": call.id, "reached": reached, "rating": rating.value if rating else ""})
    if rating is Rating.UNSATISFIED and reopens(complaint, now):
        _reopen(complaint, user, now)
        call.reopened = True
    for listener in _recorded:
        listener(complaint, call)
    return call


def _reopen(complaint: Complaint, user: User, now: dt.datetime) -> None:
    def change(moment: dt.datetime) -> dict:
        due = deadlines.add_period(clock.local_date(moment), deadlines.conclusion_rule(complaint.region_code, moment))
        complaint.conclusion_due, complaint.next_due, complaint.due_provisional = due.day, due.day, due.provisional
        return {"conclusion_due": str(due.day), "after": "follow_up"}

    REOPEN.take(complaint, "reopen", user, change=change, now=now)
    case_mail.case_updated(complaint)  # the reporter is told there is news


def satisfaction_rows(start: dt.datetime, end: dt.datetime) -> list[tuple[str, dt.datetime, Rating, int]]:
    """Calls that reached the reporter in [start, end): (county, when, rating, call id), for /stats."""
    return list(db.session.execute(select(FollowUp.region_code, FollowUp.created_at, FollowUp.rating, FollowUp.id)
                                   .where(and_(FollowUp.reached.is_(True), FollowUp.created_at >= start,
                                               FollowUp.created_at < end))))
