"""What casework offers other features: how many complaints about an institution are concluded."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from portal.casework.models import Complaint, Status
from portal.extensions import db
from portal.institutions.models import Institution

# A complaint counts once its handling is over: concluded, or concluded and archived.
CONCLUDED = (Status.CONCLUDED, Status.ARCHIVED)


def concluded_about(institution: Institution, _today: dt.date) -> int:
    """How many complaints about it have been concluded (a number only: nothing else is public)."""
    stmt = select(func.count()).select_from(Complaint).where(Complaint.institution_id == institution.id,
                                                             Complaint.status.in_(CONCLUDED))
    return db.session.scalar(stmt)
