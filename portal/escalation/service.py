"""Cases nobody is handling: an office with no handler, and cases left unassigned too long.

A case lands in the office of its county (or, for a review, the office above the one that replied).
When that office has no active handler, nobody there can take it: the offices above are told at
once, and the case is listed for them (and for the office's own administrators) as "nobody can
handle". A case that has a handler office but stays unassigned for
`PORTAL_UNASSIGNED_ESCALATION_DAYS` working days is listed for the offices above as well. Both lists
are read from the records as they are now, so a new handler account or an assignment ends them.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import mail as casework_mail
from portal.casework.models import Complaint, ReviewStage, Status
from portal.escalation import mail
from portal.extensions import db
from portal.regions import service as regions
from portal.workdays.periods import Rule, Unit, add_period
from portal.workdays.service import calendar_for

# The states in which an office is expected to have someone on the case.
HANDLING = (Status.REGISTERED, Status.ACCEPTED, Status.IN_PROGRESS, Status.UNDER_REVIEW)
LIMIT = 200  # the list is a call to act, not an archive


class Reason(enum.Enum):
    NOBODY_CAN_HANDLE = "nobody_can_handle"  # the responsible office has no active handler
    UNASSIGNED_TOO_LONG = "unassigned_too_long"  # unassigned for the configured working days


@dataclass(frozen=True)
class Waiting:
    """A case on the list, why, and the day it reached the office responsible now."""

    complaint: Complaint
    reason: Reason
    arrived_on: dt.date


def rule() -> Rule:
    """How long a case may stay unassigned before the offices above see it."""
    return Rule(current_app.config["UNASSIGNED_ESCALATION_DAYS"], Unit.WORKING_DAYS, "unassigned escalation")


def _handler_in(office: object):
    return exists().where(User.region_code == office, User.role == Role.HANDLER, User.active.is_(True))


def has_handler(region_code: str) -> bool:
    """Whether the office of `region_code` itself has an active handler account."""
    return bool(db.session.scalar(select(_handler_in(region_code))))


def case_arrived(complaint: Complaint) -> None:
    """A new case is registered (online, by staff, from a supervisor's lead or the API): its
    office's handlers are told; if it has none, the offices above and the administrators are."""
    if has_handler(complaint.handling_region_code):
        casework_mail.new_case(complaint)
    else:
        mail.nobody_can_handle(complaint, recipients(complaint.handling_region_code))


def review_arrived(complaint: Complaint) -> None:
    """A review or re-review has reached the office above (casework has told that office's
    handlers, or the nearest ones above); if the office has no handler of its own, the
    administrators and the offices above are told too, once each."""
    if has_handler(complaint.handling_region_code):
        return
    told = {user.email for user in casework_mail.office_handlers(complaint.handling_region_code)}
    mail.nobody_can_handle(complaint, [user for user in recipients(complaint.handling_region_code)
                                       if user.email not in told])


def recipients(region_code: str) -> list[User]:
    """Who is told that nobody in the office of `region_code` can handle a case: its
    administrators, then each office above up to the first with an active handler (that
    office's handlers and each office's administrators on the way)."""
    found: list[User] = list(_active(region_code, Role.ADMIN))
    code = regions.get(region_code).parent_code
    while code:
        found += _active(code, Role.ADMIN)
        handlers = _active(code, Role.HANDLER)
        if handlers:
            found += handlers
            break
        code = regions.get(code).parent_code
    seen: set[str] = set()
    return [user for user in found if user.email and not (user.email in seen or seen.add(user.email))]


def _active(code: str, role: Role) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.region_code == code, User.role == role, User.active.is_(True)).order_by(User.id)))


def arrived_by(today: dt.date) -> dt.date:
    """The latest day a case may have arrived and already be unassigned too long today: the
    configured working days after it have all passed (the day of arrival is not counted)."""
    period = rule()
    calendar = calendar_for(today - dt.timedelta(days=period.days * 3 + 40), today + dt.timedelta(days=40))
    day = today - dt.timedelta(days=1)
    while add_period(day, period, calendar).day >= today:
        day -= dt.timedelta(days=1)
    return day


def _arrival(complaint: Complaint) -> dt.date:
    if complaint.review_stage is not ReviewStage.NONE and complaint.review_requested_at:
        return clock.local_date(complaint.review_requested_at)
    return complaint.received_on


def _conditions(user: User, today: dt.date) -> tuple[list, object]:
    """The list's conditions for this officer, and the column saying whether the office has a handler."""
    prefix = regions.get(user.region_code).scope_prefix
    staffed = _handler_in(Complaint.handling_region_code)
    cutoff = arrived_by(today)
    # A review arrives when the reporter asks for it: the start of the next local day, in UTC.
    next_day = dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min, tzinfo=clock.zone())
    late = or_(and_(Complaint.review_stage == ReviewStage.NONE, Complaint.received_on <= cutoff),
               and_(Complaint.review_stage != ReviewStage.NONE,
                    Complaint.review_requested_at < next_day.astimezone(dt.timezone.utc)))
    above = Complaint.handling_region_code != user.region_code  # the office responsible is below mine
    return [Complaint.region_code.startswith(prefix), Complaint.handling_region_code.startswith(prefix),
            Complaint.status.in_(HANDLING), Complaint.assignee_id.is_(None),
            or_(~staffed, and_(above, late))], staffed


def waiting_for(user: User, today: dt.date | None = None, limit: int | None = None) -> list[Waiting]:
    """The cases in the officer's jurisdiction that nobody is handling, nearest deadline first:
    those whose office has no handler, and (from an office above theirs) those unassigned too long."""
    today = today or clock.today()
    conditions, staffed = _conditions(user, today)
    rows = db.session.execute(
        select(Complaint, staffed.label("staffed")).where(*conditions)
        .options(selectinload(Complaint.institution), selectinload(Complaint.region))
        .order_by(Complaint.next_due.is_(None), Complaint.next_due, Complaint.id).limit(limit or LIMIT)).all()
    return [Waiting(complaint, Reason.UNASSIGNED_TOO_LONG if has else Reason.NOBODY_CAN_HANDLE, _arrival(complaint))
            for complaint, has in rows]


def count_for(user: User, today: dt.date | None = None) -> int:
    """How many cases `waiting_for` lists (for the inbox's notice)."""
    conditions, _staffed = _conditions(user, today or clock.today())
    return db.session.scalar(select(func.count()).select_from(Complaint).where(*conditions)) or 0
