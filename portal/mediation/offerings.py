"""Refunds counted on the institution's public page: its refund disputes whose mediation ended in
the last year, how many ended with the money returned (the parent confirmed it), and whether it
kept its agreements. The numbers are perturbed by the cell-key method as /stats' counts are, and
the page shows "<5" below five, as it does for complaints."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from portal import cellkey
from portal.extensions import db
from portal.institutions.models import Institution
from portal.mediation.models import MediationCase, MediationState

# The record kind the cell-key method names these disputes by, here and on /stats (portal.stats.facts):
# one dispute, one record key, wherever it is counted.
RECORD_KIND = "mediation"
ENDED = (MediationState.AGREED, MediationState.FAILED, MediationState.KEPT, MediationState.REOPENED)
YEAR = dt.timedelta(days=365)


@dataclass(frozen=True)
class Refunds:
    concluded: int  # as published (perturbed)
    returned: int
    broken: int  # agreements the parent said were not kept


def refunds_about(institution: Institution, today: dt.date) -> Refunds:
    """The institution's refund disputes ended in the last year, as published."""
    rows = db.session.execute(select(MediationCase.id, MediationCase.state, MediationCase.broken_count).where(
        MediationCase.institution_id == institution.id, MediationCase.state.in_(ENDED),
        MediationCase.ended_on > today - YEAR)).all()
    keys = cellkey.RecordKeys()

    def published(ids: list[int]) -> int:
        return cellkey.perturb(len(ids), keys.cell(RECORD_KIND, ids))

    return Refunds(published([r.id for r in rows]),
                   published([r.id for r in rows if r.state is MediationState.KEPT]),
                   published([r.id for r in rows if r.broken_count > 0]))
