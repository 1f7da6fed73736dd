"""The two clocks of the enforcement track, counted on the working-days calendar.

- Notice: a named reporter is told whether a case was opened within the rule `notify_named_reporter`
  (working days) of the 立案 or 不予立案 decision (市场监督管理投诉举报处理暂行办法 art. 31: 5).
- Decision: an opened case ends in a penalty decision within the rule `enforcement_decision`
  (calendar days) of 立案 (行政处罚法 art. 60: 90, unless a law or rule says otherwise). The clock
  stops on the linked decision's date, or on the day the case was closed without a penalty.

Both are rules kept as data (`portal.rules`): the office's province's value in force on the day of
the decision on 立案, else the national one.

A clock is late when the step was taken after its due day, or is still open after it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from portal.enforcement.models import EnforcementCase
from portal.publication.clocks import DUE_SOON, Clock
from portal.rules import service as rules
from portal.workdays.periods import Rule, add_period
from portal.workdays.service import WorkCalendar, calendar_for

__all__ = ["Clock", "DUE_SOON", "NOTICE", "DECISION", "notice_rule", "decision_rule", "clocks", "calendar_covering"]

NOTICE, DECISION = "notice", "decision"
NOTICE_BASIS = "市场监督管理投诉举报处理暂行办法 第三十一条"
DECISION_BASIS = "行政处罚法 第六十条"
MARGIN_DAYS = 60  # beyond a period's calendar length: the holidays it may run over


def notice_rule(region_code: str | None = None, on: dt.date | None = None) -> Rule:
    """Tell a named reporter within the rule's working days of the decision on 立案."""
    return rules.limit("notify_named_reporter", region_code, on)


def decision_rule(region_code: str | None = None, on: dt.date | None = None) -> Rule:
    """Decide an opened case within the rule's calendar days of 立案."""
    return rules.limit("enforcement_decision", region_code, on)


def clocks(record: EnforcementCase, calendar: WorkCalendar | None = None) -> list[Clock]:
    """The record's clocks: the notice once a decision on 立案 is made (a named reporter only),
    the decision once the case is opened."""
    if record.decided_on is None:
        return []
    calendar = calendar or calendar_covering([record])
    found = []
    if record.named_reporter:
        due = add_period(record.decided_on, notice_rule(record.region_code, record.decided_on), calendar)
        found.append(Clock(NOTICE, due.day, due.provisional, record.told_on))
    if record.opened:
        due = add_period(record.decided_on, decision_rule(record.region_code, record.decided_on), calendar)
        found.append(Clock(DECISION, due.day, due.provisional, record.penalty_on or record.closed_on))
    return found


def calendar_covering(records: Iterable[EnforcementCase]) -> WorkCalendar | None:
    """One calendar read for every clock of these records (None when none is decided)."""
    days = [r.decided_on for r in records if r.decided_on is not None]
    if not days:
        return None
    longest = max(int(rules.definition("enforcement_decision").high), 30)
    return calendar_for(min(days), max(days) + dt.timedelta(days=longest + MARGIN_DAYS))
