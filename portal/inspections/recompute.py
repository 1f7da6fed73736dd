"""Results due (20 working days from the draw) recounted for unpublished draws when a year is entered."""
from __future__ import annotations

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.i18n import _l
from portal.inspections.models import DrawState, InspectionDraw
from portal.inspections.service import RESULTS_RULE
from portal.workdays.periods import add_period
from portal.workdays.recompute import Moved, Span

KIND = "inspection_draw"
FIELDS = {"results_due": _l("Results due")}


def recompute(span: Span) -> list[Moved]:
    """Recount the results deadline of every unpublished draw whose counting reaches into `span`."""
    draws = [draw for draw in db.session.scalars(select(InspectionDraw).where(
        InspectionDraw.state == DrawState.DRAWN, InspectionDraw.results_due >= span.first)
        .order_by(InspectionDraw.id)) if span.touches(clock.local_date(draw.drawn_at), draw.results_due)]
    calendar = span.calendar(clock.local_date(draw.drawn_at) for draw in draws)
    moved: list[Moved] = []
    for draw in draws:
        due = add_period(clock.local_date(draw.drawn_at), RESULTS_RULE, calendar)
        if due.day != draw.results_due:
            moved.append(Moved(KIND, draw.id, "results_due", draw.results_due, due.day))
        draw.results_due, draw.results_due_provisional = due.day, due.provisional
    db.session.flush()
    return moved
