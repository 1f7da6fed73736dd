"""An open case's deadline counted again once a year's holiday schedule is entered: only the clock
the office works to now, from its start (receipt, acceptance plus an approved extension's days, or
the review request). A deadline behind the case, and every deadline of a closed case, is history."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from portal import clock
from portal.casework import deadlines
from portal.casework.models import Complaint, ComplaintEvent, EventKind, ReviewStage, Status
from portal.casework.service import HANDLING, current_due
from portal.deadline_extensions.service import approved_days
from portal.extensions import db
from portal.i18n import _l
from portal.workdays.recompute import Moved, Span

KIND = "complaint"
FIELDS = {"acceptance_due": _l("Decision on acceptance due"), "conclusion_due": _l("Written reply due"),
          "review_decision_due": _l("Review decision due"), "next_due": _l("Deadline worked to now")}
LIVE = {Status.REGISTERED: "acceptance_due", Status.ACCEPTED: "conclusion_due",
        Status.IN_PROGRESS: "conclusion_due", Status.UNDER_REVIEW: "review_decision_due"}
DECISION_RULES = {ReviewStage.REVIEW: "review_decision",  # as `open_review` counted them
                  ReviewStage.RE_REVIEW: "re_review_decision"}


def recompute(span: Span) -> list[Moved]:
    """Recount the live deadline of every open case whose counting reaches into `span`."""
    cases = list(db.session.scalars(select(Complaint).where(Complaint.status.in_(HANDLING), or_(
        Complaint.acceptance_due >= span.first, Complaint.conclusion_due >= span.first,
        Complaint.review_decision_due >= span.first)).order_by(Complaint.id)))
    starts = {case.id: found for case, found in zip(cases, _starts(cases)) if found is not None
              and span.touches(found[0], getattr(case, LIVE[case.status]))}
    calendar = span.calendar(start for start, _rule in starts.values())
    moved: list[Moved] = []
    for case in (case for case in cases if case.id in starts):
        due = deadlines.add_period(*starts[case.id], calendar)
        case.due_provisional = due.provisional
        for field, new in ((LIVE[case.status], due.day), ("next_due", None)):
            old, new = getattr(case, field), new or current_due(case)
            if old is not None and new is not None and old != new:
                setattr(case, field, new)
                moved.append(Moved(KIND, case.id, field, old, new))
    db.session.flush()
    return moved


def _starts(cases: list[Complaint]) -> list[tuple[dt.date, deadlines.Rule] | None]:
    """Each case's live period: the day it is counted from (not counted itself) and its rule."""
    accepted = dict(db.session.execute(select(ComplaintEvent.complaint_id, ComplaintEvent.created_at).where(
        ComplaintEvent.complaint_id.in_([c.id for c in cases]), ComplaintEvent.kind == EventKind.ACCEPTED)
        .order_by(ComplaintEvent.id)).all()) if cases else {}  # the latest acceptance wins
    extra = approved_days(list(accepted)) if accepted else {}
    return [_start(case, accepted.get(case.id), extra.get(case.id, 0)) for case in cases]


def _start(case: Complaint, accepted: dt.datetime | None, extra: int) -> tuple[dt.date, deadlines.Rule] | None:
    """The rule is the one in force for the case's region when its period started (a later change of
    the rules never moves a stored deadline)."""
    if case.status is Status.REGISTERED:
        return case.received_on, deadlines.rule("acceptance", case.region_code, case.created_at)
    if case.status is Status.UNDER_REVIEW:
        requested = case.review_requested_at
        if requested is None:
            return None
        rule = deadlines.rule(DECISION_RULES[case.review_stage], case.region_code, requested)
        return clock.local_date(requested), rule
    if accepted is None:
        return None
    return clock.local_date(accepted), deadlines.conclusion_rule(case.region_code, accepted, extra)
