"""A lead's case as the supervisor follows it: the same public timeline, next step and written
reply a reporter sees with a receipt, read through the complaint tracking service."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.casework import timeline
from portal.casework.models import Complaint, ComplaintEvent
from portal.extensions import db
from portal.intake import tracking
from portal.observations.models import Observation


@dataclass(frozen=True)
class CaseProgress:
    complaint: Complaint
    timeline: list[ComplaintEvent]
    reply: ComplaintEvent | None
    next_step: tracking.NextStep | None


def for_observation(observation: Observation) -> CaseProgress | None:
    """The case opened from this record, if any, with what the reporter's page would show."""
    if observation.complaint_id is None:
        return None
    complaint = db.session.get(Complaint, observation.complaint_id)
    return CaseProgress(complaint, timeline.public_timeline(complaint), timeline.written_reply(complaint),
                        tracking.next_step(complaint))


def statuses(complaint_ids: list[int]) -> dict[int, Complaint]:
    """Several cases at once (one query), for lists that show each case's number and status."""
    if not complaint_ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Complaint).where(Complaint.id.in_(complaint_ids)))}


def case_number(complaint_id: int | None) -> str:
    return db.session.get(Complaint, complaint_id).case_number if complaint_id else ""
