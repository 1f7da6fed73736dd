"""What each audience reads of the mediation track: the staff case page's panel and page, the
inbox's marks, and the parent's tracking page."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework.models import Complaint
from portal.extensions import db
from portal.institution_answers import service as institution_answers
from portal.mediation import clocks as timing
from portal.mediation import service
from portal.mediation.models import MediationCase, MediationSession
from portal.security import audit
from portal.workdays.periods import add_period
from portal.workdays.service import calendar_for

VIEWERS = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)
MARGIN_DAYS = 120  # the calendar read for a page's clocks: 45 working days and the holidays they run over


@dataclass(frozen=True)
class Shown:
    """One clock as staff see it: due day, provisional, done (and when), late, due soon."""

    name: str
    due: dt.date
    provisional: bool
    done_on: dt.date | None
    late: bool
    soon: bool


def _calendar(complaints: Iterable[Complaint]):
    days = [c.received_on for c in complaints]
    return calendar_for(min(days), max(clock.today(), max(days)) + dt.timedelta(days=MARGIN_DAYS)) if days else None


def shown_clocks(complaint: Complaint, record: MediationCase | None, today: dt.date, calendar=None,
                 horizon: dt.date | None = None) -> list[Shown]:
    calendar = calendar or _calendar([complaint])
    horizon = horizon or add_period(today, timing.DUE_SOON, calendar).day
    return [Shown(c.name, c.due, c.provisional, c.done_on, c.late(today),
                  c.due_soon(today, horizon) and not c.late(today))
            for c in timing.clocks(complaint, record, calendar)]


def panel(complaint: Complaint, user: User) -> dict | None:
    """The case page's mediation panel: the dispute's state and clocks, or the dispute this case was
    opened from; nothing for a case that is neither."""
    if user.role not in VIEWERS:
        return None
    source = service.reported_from(complaint)
    if not complaint.mediation_requested:
        return {"record": None, "source": source, "clocks": []} if source else None
    record = service.for_complaint(complaint)
    return {"record": record, "source": source, "clocks": shown_clocks(complaint, record, clock.today())}


def page(complaint: Complaint, user: User) -> dict:
    """Everything the dispute's mediation page shows, and what this officer may do there."""
    record = service.for_complaint(complaint)
    sessions = list(db.session.scalars(select(MediationSession).where(MediationSession.case_id == record.id)
                                       .order_by(MediationSession.held_on, MediationSession.id))) if record else []
    report = db.session.get(Complaint, record.report_complaint_id) if record and record.report_complaint_id else None
    return {"record": record, "sessions": sessions, "report_case": report,
            "steps": service.allowed_steps(record, complaint, user),
            "clocks": shown_clocks(complaint, record, clock.today()),
            "limit_passed": record is not None and record.open and timing.limit_passed(record, clock.today()),
            # The institution's answers through its one-time link, part of the track's record.
            "answers": institution_answers.answers(complaint) if record else [],
            "may_ask": record is not None and record.open and institution_answers.may_send(complaint, user),
            "audit_entries": audit.for_object("mediation_case", record.id) if record else []}


def marks(complaints: Iterable[Complaint]) -> dict[int, tuple[MediationCase | None, list[Shown]]]:
    """The inbox's mediation marks for a page of cases: each dispute with its open clocks."""
    disputes = [c for c in complaints if c.mediation_requested]
    if not disputes:
        return {}
    records = {r.complaint_id: r for r in db.session.scalars(
        select(MediationCase).where(MediationCase.complaint_id.in_([c.id for c in disputes])))}
    today, calendar = clock.today(), _calendar(disputes)
    horizon = add_period(today, timing.DUE_SOON, calendar).day
    return {c.id: (records.get(c.id), [s for s in shown_clocks(c, records.get(c.id), today, calendar, horizon)
                                       if s.done_on is None]) for c in disputes}


@dataclass(frozen=True)
class ForParent:
    record: MediationCase | None
    clocks: list[Shown]
    report_case_number: str


def for_reporter(complaint: Complaint) -> ForParent | None:
    """The tracking page's mediation part, or None when the parent did not ask for mediation."""
    if not complaint.mediation_requested:
        return None
    record = service.for_complaint(complaint)
    report = db.session.get(Complaint, record.report_complaint_id) if record and record.report_complaint_id else None
    return ForParent(record, shown_clocks(complaint, record, clock.today()), report.case_number if report else "")
