"""Stored deadlines after a year's schedule is entered: each feature that keeps a date counted on
the calendar registers a recomputer, which counts its open records' deadlines again from their
stored start and period and changes those that move. A closed record's deadlines are history.

The calendar sits below the features, so it never imports them: a feature registers in its
`init_app` (as case panels do). Deadlines worked out on every reading (a disclosure's publication
and withdrawal clocks, a misrouted case's objection day, the review request day) need nothing here.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from portal.extensions import db
from portal.security import audit
from portal.security.audit import AuditRecord
from portal.workdays.periods import LOOKAHEAD_DAYS
from portal.workdays.service import WorkCalendar, calendar_for

ACTION = "holidays.recomputed"


@dataclass(frozen=True)
class Span:
    """The days whose schedule changed: a record is recounted if its counting reaches into them."""

    first: dt.date
    last: dt.date

    def touches(self, start: dt.date, due: dt.date | None) -> bool:
        """Whether counting from `start` to `due` (None: not known) crosses a changed day."""
        return start <= self.last and (due is None or due >= self.first)

    def calendar(self, starts: Iterable[dt.date]) -> WorkCalendar:
        """One calendar read for every period starting on `starts`."""
        days = list(starts) or [self.first]
        return calendar_for(min(days), max(days) + dt.timedelta(days=LOOKAHEAD_DAYS))


@dataclass(frozen=True)
class Moved:
    """One stored deadline the new schedule moved."""

    kind: str  # the record's kind, as the audit trail names it ("complaint", "inspection_draw")
    record_id: int
    field: str
    old: dt.date
    new: dt.date

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.record_id, "field": self.field,
                "from": self.old.isoformat(), "to": self.new.isoformat()}


@dataclass(frozen=True)
class Recount:
    """A feature's stored deadlines: their record kind and fields in words, and how to recount them."""

    kind: str
    label: Any  # lazy translated strings, shown on the page that lists what moved
    fields: dict[str, Any]
    run: Callable[[Span], list[Moved]]


def register(app: Flask, recount: Recount) -> None:
    """Have a feature's stored deadlines recounted whenever a year is entered."""
    app.extensions.setdefault("portal.deadline_recounts", {})[recount.kind] = recount


def registered() -> dict[str, Recount]:
    """The registered recounts by record kind."""
    return current_app.extensions.get("portal.deadline_recounts", {})


def recompute(years: Iterable[int], actor: str) -> tuple[AuditRecord | None, list[Moved]]:
    """Recount every registered stored deadline that reaches into `years`, change those that move,
    and audit the moves in one record (ids and dates only); no record when no year was entered."""
    years = sorted(set(years))
    if not years:
        return None, []
    span = Span(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31))
    recounts = registered()
    moved = [found for kind in sorted(recounts) for found in recounts[kind].run(span)]
    label = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    record = audit.record(actor, ACTION, "calendar_year", label,
                          after={"years": years, "count": len(moved), "moved": [m.as_dict() for m in moved]})
    return record, moved


def moves_recorded(record_id: int) -> tuple[AuditRecord, list[Moved]] | None:
    """The moves one recount recorded, from its audit record; None if there is no such record."""
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.id == record_id,
                                                         AuditRecord.action == ACTION))
    if record is None:
        return None
    rows = json.loads(record.after).get("moved", [])
    return record, [Moved(row["kind"], row["id"], row["field"], dt.date.fromisoformat(row["from"]),
                          dt.date.fromisoformat(row["to"])) for row in rows]

