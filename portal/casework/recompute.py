"""An open case's deadline counted again once a year's holiday schedule is entered.

Only the clock the office works to now is recounted, from the start it was counted from: the
decision on acceptance (15 days from receipt), the written reply (60 days from acceptance, plus
the days of an approved extension) or the review decision (30 days from the request). A deadline
already behind the case, and every deadline of a closed case, is history and stays as counted.
The extension's days come from `portal.deadline_extensions`, which registers them here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import or_, select

from portal import clock
from portal.casework import deadlines
from portal.casework.models import Complaint, ComplaintEvent, EventKind, ReviewStage, Status
from portal.casework.service import HANDLING, current_due
from portal.extensions import db
from portal.i18n import _l
from portal.workdays.recompute import Moved, Span

KIND = "complaint"
FIELDS = {"acceptance_due": _l("Decision on acceptance due"), "conclusion_due": _l("Written reply due"),
          "review_decision_due": _l("Review decision due"), "next_due": _l("Deadline worked to now")}
# The decision rule of the stage a case under review is at (the one `open_review` counted).
DECISION_RULES = {ReviewStage.REVIEW: deadlines.RULES["review_decision"],
                  ReviewStage.RE_REVIEW: deadlines.RULES["re_review_decision"]}
ExtensionDays = Callable[[list[int]], dict[int, int]]


def count_extensions_with(app: Flask, source: ExtensionDays) -> None:
    """Have the recount add each case's approved extension days (case ids → days)."""
    app.extensions["portal.case_extension_days"] = source


def recompute(span: Span) -> list[Moved]:
    """Recount the live deadline of every open case whose counting reaches into `span`."""
    cases = list(db.session.scalars(select(Complaint).where(Complaint.status.in_(HANDLING), or_(
        Complaint.acceptance_due >= span.first, Complaint.conclusion_due >= span.first,
        Complaint.review_decision_due >= span.first)).order_by(Complaint.id)))
    starts = _starts(cases)
    calendar = span.calendar(start for start, _rule in starts.values())
    moved: list[Moved] = []
    for case in cases:
        field = _LIVE.get(case.status)
        if field is None or case.id not in starts or not span.touches(starts[case.id][0], getattr(case, field)):
            continue
        start, rule = starts[case.id]
        due = deadlines.add_period(start, rule, calendar)
        moved += _set(case, field, due.day)
        case.due_provisional = due.provisional
        moved += _set(case, "next_due", current_due(case))
    db.session.flush()
    return moved


_LIVE = {Status.REGISTERED: "acceptance_due", Status.ACCEPTED: "conclusion_due",
         Status.IN_PROGRESS: "conclusion_due", Status.UNDER_REVIEW: "review_decision_due"}


def _starts(cases: list[Complaint]) -> dict[int, tuple[dt.date, deadlines.Rule]]:
    """Each case's live period: the day it was counted from (not counted itself) and its rule."""
    accepted = _accepted_on([c.id for c in cases if c.status in (Status.ACCEPTED, Status.IN_PROGRESS)])
    source = current_app.extensions.get("portal.case_extension_days")
    extra = source(list(accepted)) if source else {}
    found: dict[int, tuple[dt.date, deadlines.Rule]] = {}
    for case in cases:
        if case.status is Status.REGISTERED:
            found[case.id] = case.received_on, deadlines.RULES["acceptance"]
        elif case.id in accepted:
            found[case.id] = accepted[case.id], deadlines.conclusion_rule(extra.get(case.id, 0))
        elif case.status is Status.UNDER_REVIEW and case.review_requested_at is not None:
            found[case.id] = clock.local_date(case.review_requested_at), DECISION_RULES[case.review_stage]
    return found


def _accepted_on(ids: list[int]) -> dict[int, dt.date]:
    """The local day of each case's latest acceptance."""
    rows = db.session.execute(select(ComplaintEvent.complaint_id, ComplaintEvent.created_at).where(
        ComplaintEvent.complaint_id.in_(ids), ComplaintEvent.kind == EventKind.ACCEPTED)
        .order_by(ComplaintEvent.id)) if ids else []
    return {complaint_id: clock.local_date(at) for complaint_id, at in rows}


def _set(case: Complaint, field: str, new: dt.date | None) -> list[Moved]:
    old = getattr(case, field)
    if old == new or old is None or new is None:
        return []
    setattr(case, field, new)
    return [Moved(KIND, case.id, field, old, new)]
