"""Entering a year's official schedule, by an administrator or a command, in the audit trail; then
recounting the stored deadlines the new schedule moves (`recompute`)."""
from __future__ import annotations

from dataclasses import dataclass

from portal.security import audit
from portal.security.audit import AuditRecord
from portal.workdays import recompute, service
from portal.workdays.recompute import Moved


@dataclass(frozen=True)
class Entered:
    """The years entered, their number of exceptional days, and the deadlines that moved."""

    years: list[int]
    days: int
    recount: AuditRecord | None  # the audit record listing the moves; None when no year was entered
    moved: list[Moved]


def enter_schedule(text: str, source: str, year: int, actor: str, **noted: str) -> Entered:
    """Enter a year's schedule as typed or read from a file (see `service.import_text`), audit it
    with `noted`, and recount the deadlines reaching into every year the schedule has days in."""
    days = service.import_text(text, source, year)
    audit.record(actor, "holidays.entered", "calendar_year", year,
                 after={"days": days, "source": source, **noted, "rows": text[:4000]})
    record, moved = recompute.recompute(service.parse_schedule(text, source), actor)
    return Entered([year], days, record, moved)


def enter_package(actor: str, **noted: str) -> Entered:
    """Enter the years chinesecalendar knows and were not entered, audit each, and recount."""
    years = service.import_package()
    for year in years:
        audit.record(actor, "holidays.entered", "calendar_year", year, after={"source": "chinesecalendar", **noted})
    record, moved = recompute.recompute(years, actor)
    return Entered(years, 0, record, moved)
