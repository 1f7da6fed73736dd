"""An open reward claim's deadline counted again once a year's holiday schedule is entered: 30
working days from the decision that granted the reward, for rewards granted and not yet claimed.

A correction keeps the period it found and overwrites `decided_at`, so the day the period started
is read from the audit trail: the decision or correction that first gave the reward a claim date.
"""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from portal import clock
from portal.casework import deadlines
from portal.casework.models import Complaint
from portal.extensions import db
from portal.i18n import _l
from portal.rewards.models import Reward
from portal.rewards.service import claim_rule
from portal.security.audit import AuditRecord
from portal.workdays.recompute import Moved, Span

KIND = "reward"
FIELDS = {"claim_due": _l("Claim by")}
DECISIONS = ("reward.decided", "reward.corrected")


def recompute(span: Span) -> list[Moved]:
    """Recount the claim deadline of every open claim whose counting reaches into `span`."""
    rewards = list(db.session.scalars(select(Reward).where(
        Reward.amount.is_not(None), Reward.claimed_at.is_(None), Reward.claim_due >= span.first)
        .order_by(Reward.id)))
    starts = _claim_started(rewards)
    rewards = [reward for reward in rewards if span.touches(starts[reward.id], reward.claim_due)]
    calendar = span.calendar(starts[reward.id] for reward in rewards)
    regions = dict(db.session.execute(select(Complaint.id, Complaint.region_code).where(
        Complaint.id.in_([reward.complaint_id for reward in rewards]))).all()) if rewards else {}
    moved: list[Moved] = []
    for reward in rewards:
        # the claim period in force for the case's province on the day it started
        rule = claim_rule(regions[reward.complaint_id], starts[reward.id])
        due = deadlines.add_period(starts[reward.id], rule, calendar)
        if due.day != reward.claim_due:
            moved.append(Moved(KIND, reward.id, "claim_due", reward.claim_due, due.day))
            reward.claim_due = due.day
    db.session.flush()
    return moved


def _claim_started(rewards: list[Reward]) -> dict[int, dt.date]:
    """The local day each reward's claim period started; its decision day if the trail says nothing."""
    by_case = {str(reward.complaint_id): reward for reward in rewards}
    found = {reward.id: clock.local_date(reward.decided_at) for reward in rewards}
    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action.in_(DECISIONS), AuditRecord.object_type == "complaint",
        AuditRecord.object_id.in_(list(by_case))).order_by(AuditRecord.id)) if by_case else []
    claim_dates: dict[str, str] = {}
    for record in records:
        claim_due = json.loads(record.after).get("claim_due", "")
        if claim_due and not claim_dates.get(record.object_id):  # granted now: a new period starts
            found[by_case[record.object_id].id] = clock.local_date(record.at)
        claim_dates[record.object_id] = claim_due
    return found
