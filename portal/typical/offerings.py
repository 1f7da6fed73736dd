"""What typical cases offer other features: the published cases that name an institution."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.extensions import db
from portal.institutions.models import Institution
from portal.typical.models import ArticleState, TypicalCase, typical_case_institutions


def for_institution(institution: Institution, _today: dt.date) -> list[TypicalCase]:
    """Published typical cases that name it, newest first."""
    linked = select(typical_case_institutions.c.typical_case_id).where(
        typical_case_institutions.c.institution_id == institution.id)
    stmt = (select(TypicalCase).where(TypicalCase.id.in_(linked), TypicalCase.state == ArticleState.PUBLISHED)
            .order_by(TypicalCase.case_date.desc(), TypicalCase.id.desc()))
    return list(db.session.scalars(stmt))
