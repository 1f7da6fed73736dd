"""The two clocks of a penalty disclosure, counted on the working-days calendar.

- Publication: within the rule "publication" working days of the decision date (national default
  7, local practice; SAMR 令第45号 art. 9 allows 20).
- Withdrawal: a decision revoked, changed, confirmed unlawful or void is withdrawn within the rule
  "withdrawal", 3 working days of the revocation (行政处罚法 art. 48 "三日内"; art. 85: such days are
  working days).

Both are rules kept as data (`portal.rules`) for the decision's province, as in force when the draft
was made (publication) or on the day of the revocation (withdrawal).

A clock is late when the step was taken after its due day, or is still open after it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from portal import clock as timekeeper
from portal.rules import service as rules
from portal.workdays.periods import LOOKAHEAD_DAYS, Rule, Unit, add_period
from portal.workdays.service import WorkCalendar, calendar_for

DUE_SOON = Rule(3, Unit.WORKING_DAYS, "本系统提醒")  # reminders and the inbox's "due soon"


def publication_rule(region_code: str | None = None, at: dt.datetime | dt.date | None = None) -> Rule:
    """Publication within the rule's working days of the decision date, for the region at `at`."""
    return rules.limit("publication", region_code, at)


def withdrawal_rule(region_code: str | None = None, at: dt.datetime | dt.date | None = None) -> Rule:
    """Withdrawal within the rule's working days of the revocation, for the region at `at`."""
    return rules.limit("withdrawal", region_code, at)


@dataclass(frozen=True)
class Clock:
    """One deadline of a disclosure: "publication" or "withdrawal"."""

    name: str
    due: dt.date
    provisional: bool
    done_on: dt.date | None  # the local day it was published or withdrawn

    def late(self, today: dt.date) -> bool:
        """Taken after the due day, or still open after it."""
        return (self.done_on or today) > self.due

    def open(self) -> bool:
        return self.done_on is None

    def due_soon(self, today: dt.date, horizon: dt.date) -> bool:
        """Still open and due within the reminder horizon (overdue included)."""
        return self.open() and self.due <= horizon


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timekeeper.local_date(moment) if moment is not None else None


def clocks(record: Any, calendar: WorkCalendar | None = None) -> list[Clock]:
    """The clocks of a disclosure (anything with `region_code`, `created_at`, `decision_date`,
    `published_at`, `revoked_on` and `withdrawn_at`): publication always; withdrawal once a
    revocation is recorded."""
    drafted = getattr(record, "created_at", None)
    due = add_period(record.decision_date, publication_rule(record.region_code, drafted), calendar)
    found = [Clock("publication", due.day, due.provisional, _local(record.published_at))]
    if record.revoked_on is not None:
        due = add_period(record.revoked_on, withdrawal_rule(record.region_code, record.revoked_on), calendar)
        found.append(Clock("withdrawal", due.day, due.provisional, _local(record.withdrawn_at)))
    return found


def calendar_covering(records: Iterable[Any]) -> WorkCalendar | None:
    """One calendar read for every clock of these records (None for no records)."""
    days = [day for r in records for day in (r.decision_date, r.revoked_on) if day is not None]
    if not days:
        return None
    return calendar_for(min(days), max(days) + dt.timedelta(days=LOOKAHEAD_DAYS))
