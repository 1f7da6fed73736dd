"""What each audience reads of the enforcement track: the staff case page's panel, the inbox's
marks, the office's list, and the reporter's tracking page."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts.models import Role, User
from portal.casework.models import Complaint
from portal.disclosures.models import Disclosure, DisclosureState
from portal.disclosures.queries import visible
from portal.enforcement import clocks as timing
from portal.enforcement import service
from portal.enforcement.models import EnforcementCase, EnforcementState
from portal.extensions import db
from portal.pagination import Page, paginate
from portal.regions import service as regions
from portal.security import audit
from portal.workdays.periods import add_period

VIEWERS = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)  # who opens the enforcement pages


@dataclass(frozen=True)
class Shown:
    """One clock as staff see it: due day, provisional, done (and when), late, due soon."""

    name: str
    due: dt.date
    provisional: bool
    done_on: dt.date | None
    late: bool
    soon: bool


def shown_clocks(record: EnforcementCase, today: dt.date, calendar=None, horizon: dt.date | None = None
                 ) -> list[Shown]:
    """The record's clocks for a page: late when past due (open) or done after it."""
    horizon = horizon or add_period(today, timing.DUE_SOON, calendar).day
    return [Shown(c.name, c.due, c.provisional, c.done_on, c.late(today), c.due_soon(today, horizon) and not
                  c.late(today)) for c in timing.clocks(record, calendar)]


def panel(complaint: Complaint, user: User) -> dict | None:
    """The case page's enforcement panel: nothing while the case is neither on the track nor
    could be taken onto it by this person."""
    if user.role not in VIEWERS:
        return None  # the enforcement page is not theirs (an identity custodian)
    record = service.for_complaint(complaint)
    if record is None:
        return {"record": None} if service.may_record(complaint, user) else None
    return {"record": record, "clocks": shown_clocks(record, clock.today()), "today": clock.today()}


def page(complaint: Complaint, user: User) -> dict:
    """Everything the case's enforcement page shows, and what this officer may do there."""
    record = service.for_complaint(complaint)
    if record is None:
        return {"record": None, "may_record": service.may_record(complaint, user), "steps": [], "clocks": [],
                "disclosure": None, "candidates": [], "audit_entries": []}
    steps = service.allowed_steps(record, user)
    disclosure = db.session.get(Disclosure, record.disclosure_id) if record.disclosure_id else None
    return {"record": record, "may_record": False, "steps": steps, "clocks": shown_clocks(record, clock.today()),
            "disclosure": disclosure, "audit_entries": audit.for_object("enforcement_case", record.id),
            "candidates": service.linkable(record, complaint, user) if "link" in steps else []}


def marks(complaints: Iterable[Complaint]) -> dict[int, tuple[EnforcementCase, list[Shown]]]:
    """The inbox's enforcement marks for a page of cases, in two queries and one calendar read:
    each case on the track with its open clocks."""
    ids = [c.id for c in complaints]
    if not ids:
        return {}
    records = list(db.session.scalars(select(EnforcementCase).where(EnforcementCase.complaint_id.in_(ids))))
    today = clock.today()
    calendar = timing.calendar_covering(records)
    horizon = add_period(today, timing.DUE_SOON).day if records else today
    return {r.complaint_id: (r, [c for c in shown_clocks(r, today, calendar, horizon) if c.done_on is None])
            for r in records}


@dataclass(frozen=True)
class Listed:
    record: EnforcementCase
    clocks: list[Shown]


def office_list(user: User, state: EnforcementState | None, number: int, size: int) -> Page[Listed]:
    """The jurisdiction's reports on the track, newest first, with their cases and clocks."""
    prefix = regions.get(user.region_code).scope_prefix
    query = (select(EnforcementCase).where(EnforcementCase.region_code.startswith(prefix))
             .options(selectinload(EnforcementCase.complaint).selectinload(Complaint.institution)).order_by(EnforcementCase.id.desc()))
    if state is not None:
        query = query.where(EnforcementCase.state == state)
    found = paginate(query, number, size)
    today = clock.today()
    calendar = timing.calendar_covering(found.items)
    horizon = add_period(today, timing.DUE_SOON).day
    return Page([Listed(r, shown_clocks(r, today, calendar, horizon)) for r in found.items], found.number,
                found.size, found.total)


@dataclass(frozen=True)
class PublicEnforcement:
    """What the reporter reads: whether a case was opened, on what day and under what number, why
    not, and the published penalty decision (only while the public can see it and it is not
    withdrawn)."""

    state: EnforcementState
    decided_on: dt.date | None
    number: str | None
    decline_reason: str
    closed_on: dt.date | None
    close_reason: str
    decision_id: int | None
    decision_number: str
    decision_date: dt.date | None


def for_reporter(complaint: Complaint) -> PublicEnforcement | None:
    """The tracking page's enforcement part, or None while the report is not on the track."""
    record = service.for_complaint(complaint)
    if record is None:
        return None
    shown, state = None, record.state
    if record.disclosure_id:
        linked, public = db.session.execute(select(Disclosure, visible(clock.today())).where(
            Disclosure.id == record.disclosure_id)).one()
        if linked.state is DisclosureState.WITHDRAWN:
            state = EnforcementState.OPENED  # the decision was revoked: the case no longer ends in it
        elif public:
            shown = linked  # after its publication period the decision stands, unlinked
    return PublicEnforcement(
        state=state, decided_on=record.decided_on, number=record.number,
        decline_reason=record.decline_reason, closed_on=record.closed_on, close_reason=record.close_reason,
        decision_id=shown.id if shown else None, decision_number=shown.decision_number if shown else "",
        decision_date=shown.decision_date if shown else None)
