"""An institution's published inspection results, for its registry page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.inspections.models import Assignment, DrawState, InspectionDraw, Outcome


@dataclass(frozen=True)
class InstitutionResult:
    """One published inspection of an institution, for its registry page."""

    draw_id: int
    title: str
    drawn_on: dt.date
    outcome: Outcome
    note: str


def results_for_institution(institution_id: int) -> list[InstitutionResult]:
    """The institution's published inspection results, newest draw first."""
    rows = db.session.execute(
        select(InspectionDraw.id, InspectionDraw.title, InspectionDraw.drawn_at, Assignment.outcome, Assignment.note)
        .join(Assignment, Assignment.draw_id == InspectionDraw.id)
        .where(Assignment.institution_id == institution_id, InspectionDraw.state == DrawState.PUBLISHED)
        .order_by(InspectionDraw.drawn_at.desc(), InspectionDraw.id.desc())).all()
    return [InstitutionResult(row.id, row.title, clock.local_date(row.drawn_at), row.outcome, row.note)
            for row in rows]
