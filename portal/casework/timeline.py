"""What the reporter may read of a case: its public entries and the newest written decision."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.casework.models import Complaint, ComplaintEvent, EventKind
from portal.extensions import db


def public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    """The entries the reporter may see, oldest first, with their files."""
    return list(db.session.scalars(
        select(ComplaintEvent)
        .where(ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.public.is_(True))
        .options(selectinload(ComplaintEvent.attachments))
        .order_by(ComplaintEvent.id)))


# The entries that carry a written decision: the conclusion, and each review's decision.
WRITTEN_DECISIONS = (EventKind.CONCLUDED, EventKind.REVIEW_DECIDED, EventKind.RE_REVIEW_DECIDED)


def written_reply(complaint: Complaint) -> ComplaintEvent | None:
    """The newest written decision (the conclusion, or a review's decision that replaced it)."""
    return db.session.scalar(
        select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id,
                                     ComplaintEvent.kind.in_(WRITTEN_DECISIONS))
        .order_by(ComplaintEvent.id.desc()).limit(1))
