"""How legal periods are counted (民法典 arts. 201 and 203), for every feature with a time limit.

The start day is not counted; a period in calendar days that ends on a day off ends on the
next working day; a period in working days counts only working days. Working days come from
the holiday table; a period touching a year whose schedule has not been entered yet is counted
on weekends and fixed-date holidays and marked provisional.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from portal.workdays.service import WorkCalendar, calendar_for


class Unit(enum.Enum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Rule:
    days: int
    unit: Unit
    basis: str


# The longest a period can run: 60 days plus holidays (Spring Festival, National Day) and the
# days after; enough to read the calendar once.
LOOKAHEAD_DAYS = 120


@dataclass(frozen=True)
class Due:
    day: dt.date
    provisional: bool  # counted over days whose official schedule is not known yet


def add_period(start: dt.date, rule: Rule, calendar: WorkCalendar | None = None) -> Due:
    """The last day of a period of `rule` starting on `start` (which is not counted)."""
    calendar = calendar or calendar_for(start, start + dt.timedelta(days=LOOKAHEAD_DAYS))
    if rule.unit is Unit.WORKING_DAYS:
        return _add_working_days(start, rule.days, calendar)
    end = start + dt.timedelta(days=rule.days)
    working, provisional = calendar.is_working_day(end)
    while not working:
        end += dt.timedelta(days=1)
        working, later_provisional = calendar.is_working_day(end)
        provisional = provisional or later_provisional
    return Due(end, provisional)


def _add_working_days(start: dt.date, days: int, calendar: WorkCalendar) -> Due:
    day, counted, provisional = start, 0, False
    while counted < days:
        day += dt.timedelta(days=1)
        working, day_provisional = calendar.is_working_day(day)
        provisional = provisional or day_provisional
        counted += working
    return Due(day, provisional)
