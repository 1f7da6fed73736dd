"""The two clocks of the enforcement track, counted on the working-days calendar.

- Notice: a named reporter is told whether a case was opened within `ENFORCEMENT_NOTICE_DAYS`
  working days of the 立案 or 不予立案 decision (市场监督管理投诉举报处理暂行办法 art. 31: 5).
- Decision: an opened case ends in a penalty decision within `ENFORCEMENT_DECISION_DAYS` calendar
  days of 立案 (行政处罚法 art. 60: 90, unless a law or rule says otherwise). The clock stops on
  the linked decision's date, or on the day the case was closed without a penalty.

A clock is late when the step was taken after its due day, or is still open after it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import current_app

from portal.enforcement.models import EnforcementCase
from portal.publication.clocks import DUE_SOON, Clock
from portal.workdays.periods import Rule, Unit, add_period
from portal.workdays.service import WorkCalendar, calendar_for

__all__ = ["Clock", "DUE_SOON", "NOTICE", "DECISION", "notice_rule", "decision_rule", "clocks", "calendar_covering"]

NOTICE, DECISION = "notice", "decision"
NOTICE_BASIS = "市场监督管理投诉举报处理暂行办法 第三十一条"
DECISION_BASIS = "行政处罚法 第六十条"
MARGIN_DAYS = 60  # beyond a period's calendar length: the holidays it may run over


def notice_rule() -> Rule:
    """Tell a named reporter within the configured working days of the decision on 立案."""
    return Rule(current_app.config["ENFORCEMENT_NOTICE_DAYS"], Unit.WORKING_DAYS, NOTICE_BASIS)


def decision_rule() -> Rule:
    """Decide an opened case within the configured calendar days of 立案."""
    return Rule(current_app.config["ENFORCEMENT_DECISION_DAYS"], Unit.CALENDAR_DAYS, DECISION_BASIS)


def clocks(record: EnforcementCase, calendar: WorkCalendar | None = None) -> list[Clock]:
    """The record's clocks: the notice once a decision on 立案 is made (a named reporter only),
    the decision once the case is opened."""
    if record.decided_on is None:
        return []
    calendar = calendar or calendar_covering([record])
    found = []
    if record.named_reporter:
        due = add_period(record.decided_on, notice_rule(), calendar)
        found.append(Clock(NOTICE, due.day, due.provisional, record.told_on))
    if record.opened:
        due = add_period(record.decided_on, decision_rule(), calendar)
        found.append(Clock(DECISION, due.day, due.provisional, record.penalty_on or record.closed_on))
    return found


def calendar_covering(records: Iterable[EnforcementCase]) -> WorkCalendar | None:
    """One calendar read for every clock of these records (None when none is decided)."""
    days = [r.decided_on for r in records if r.decided_on is not None]
    if not days:
        return None
    longest = max(current_app.config["ENFORCEMENT_DECISION_DAYS"], 30)
    return calendar_for(min(days), max(days) + dt.timedelta(days=longest + MARGIN_DAYS))
