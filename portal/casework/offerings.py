"""What casework offers other features: how many complaints about an institution are concluded."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import cellkey
from portal.casework.models import Complaint, Status
from portal.extensions import db
from portal.institutions.models import Institution

# A complaint counts once its handling is over: concluded, or concluded and archived.
CONCLUDED = (Status.CONCLUDED, Status.ARCHIVED)
# Open: registered and not yet decided on, or accepted and being handled here.
OPEN = (Status.REGISTERED, Status.ACCEPTED, Status.IN_PROGRESS)


def _published_count(institution: Institution, statuses: tuple[Status, ...]) -> int:
    """How many complaints about it are in these states, as published: perturbed by the cell-key
    method exactly as /stats' counts are (the page says "fewer than 5" below five), so that it
    cannot be set against those to single a case out. A number only: nothing else is public."""
    ids = list(db.session.scalars(select(Complaint.id).where(Complaint.institution_id == institution.id,
                                                             Complaint.status.in_(statuses))))
    return cellkey.perturb(len(ids), cellkey.RecordKeys().cell("complaint", ids))


def concluded_about(institution: Institution, _today: dt.date) -> int:
    """How many complaints about it have been concluded, as published."""
    return _published_count(institution, CONCLUDED)


def open_about(institution: Institution, _today: dt.date) -> int:
    """How many complaints about it are open (being decided on or handled), as published."""
    return _published_count(institution, OPEN)
