"""Legal time limits as data, and how periods are counted (民法典 arts. 201 and 203).

The start day is not counted; a period in calendar days that ends on a day off ends on the
next working day; a period in working days counts only working days. Working days follow the
State Council's schedule, including adjusted working weekends (调休). `chinesecalendar` knows
2004–2026; for later years weekends and the fixed-date statutory holidays are used and the
result is marked provisional until the year's schedule is entered.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import chinese_calendar


class Unit(enum.Enum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Rule:
    days: int
    unit: Unit
    basis: str


RULES = {
    "acceptance": Rule(15, Unit.CALENDAR_DAYS, "信访工作条例 第二十三条"),
    "misrouted_objection": Rule(5, Unit.WORKING_DAYS, "信访工作条例 第二十三条"),
    "conclusion": Rule(60, Unit.CALENDAR_DAYS, "信访工作条例 第三十四条"),
    "extension_max": Rule(30, Unit.CALENDAR_DAYS, "信访工作条例 第三十四条"),
    "review_request": Rule(30, Unit.CALENDAR_DAYS, "信访工作条例 第三十五条"),
    "review_decision": Rule(30, Unit.CALENDAR_DAYS, "信访工作条例 第三十五条"),
    "notify_named_reporter": Rule(5, Unit.WORKING_DAYS, "市场监督管理投诉举报处理暂行办法 第三十一条"),
}

# Fixed-date statutory holidays, used only for years the official schedule does not cover yet.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3))


@dataclass(frozen=True)
class Due:
    day: dt.date
    provisional: bool  # counted over days whose official schedule is not known yet


def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(working?, provisional?) for one day."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        fixed = (day.month, day.day) in FIXED_HOLIDAYS
        return day.weekday() < 5 and not fixed, True


def add_period(start: dt.date, rule: Rule) -> Due:
    """The last day of a period of `rule` starting on `start` (which is not counted)."""
    if rule.unit is Unit.WORKING_DAYS:
        return _add_working_days(start, rule.days)
    end = start + dt.timedelta(days=rule.days)
    working, provisional = is_working_day(end)
    while not working:
        end += dt.timedelta(days=1)
        working, later_provisional = is_working_day(end)
        provisional = provisional or later_provisional
    return Due(end, provisional)


def _add_working_days(start: dt.date, days: int) -> Due:
    day, counted, provisional = start, 0, False
    while counted < days:
        day += dt.timedelta(days=1)
        working, day_provisional = is_working_day(day)
        provisional = provisional or day_provisional
        counted += working
    return Due(day, provisional)
