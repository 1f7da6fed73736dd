"""The two clocks of the mediation track, counted on the working-days calendar.

- Decision: the office decides whether to take a dispute for mediation within the rule
  `mediation_decision` (working days; SAMR uses 7) of the day the complaint was received.
- Conclusion: mediation ends with an agreement or a failure within the rule `mediation_conclusion`
  (working days; 45) of the day the dispute was taken, or of the day the parent said an agreement
  was not kept (the dispute reopened). After it the office records the end with the reason "the
  time limit passed".

Both are rules kept as data (`portal.rules`, basis 市场监督管理投诉举报处理暂行办法 arts. 16–22): the
complaint's province's value in force on the day the period started, else the national one. A clock
stops when the step it waits for is taken (the decision, the end).
"""
from __future__ import annotations

import datetime as dt

from portal.casework.models import Complaint
from portal.mediation.models import MediationCase, MediationState
from portal.publication.clocks import DUE_SOON, Clock
from portal.rules import service as rules
from portal.workdays.periods import Rule, add_period
from portal.workdays.service import WorkCalendar

__all__ = ["Clock", "DUE_SOON", "DECISION", "CONCLUSION", "decision_rule", "conclusion_rule", "clocks"]

DECISION, CONCLUSION = "decision", "conclusion"


def decision_rule(region_code: str | None = None, on: dt.date | None = None) -> Rule:
    return rules.limit("mediation_decision", region_code, on)


def conclusion_rule(region_code: str | None = None, on: dt.date | None = None) -> Rule:
    return rules.limit("mediation_conclusion", region_code, on)


def decision_due(complaint: Complaint, calendar: WorkCalendar | None = None):
    """The day by which the office decides whether to take the dispute (a `Due`)."""
    return add_period(complaint.received_on, decision_rule(complaint.region_code, complaint.received_on), calendar)


def conclusion_due(record: MediationCase, calendar: WorkCalendar | None = None):
    """The day by which mediation ends (a `Due`), once the dispute was taken (or reopened)."""
    start = record.reopened_on or record.decided_on
    return add_period(start, conclusion_rule(record.region_code, start), calendar)


def clocks(complaint: Complaint, record: MediationCase | None, calendar: WorkCalendar | None = None
           ) -> list[Clock]:
    """The dispute's clocks: the decision while it is asked for, the conclusion once it was taken."""
    if not complaint.mediation_requested and record is None:
        return []
    due = decision_due(complaint, calendar)
    decided = record.decided_on if record is not None and record.state is not MediationState.PENDING else None
    found = [Clock(DECISION, due.day, due.provisional, decided)]
    if record is not None and record.decided_on is not None and record.state is not MediationState.DECLINED:
        end = conclusion_due(record, calendar)
        found.append(Clock(CONCLUSION, end.day, end.provisional, record.ended_on))
    return found


def limit_passed(record: MediationCase, today: dt.date) -> bool:
    """Whether the time limit for mediation has passed (the end may then say so)."""
    return record.decided_on is not None and today > conclusion_due(record).day
