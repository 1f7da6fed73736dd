"""What each audience reads of a reward: the staff case page's panel, and the reporter's notice."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from portal import clock
from portal.accounts.models import User
from portal.casework.models import Complaint
from portal.rewards.models import RewardGrade
from portal.rewards.service import (
    DECIDED,
    claim_open,
    claim_rule,
    for_case,
    may_decide,
    may_record_claim,
    provisional,
)


def panel(complaint: Complaint, user: User) -> dict:
    """What the staff case page shows about the reward, and what this officer may do."""
    reward = for_case(complaint)
    today = clock.today()
    return {
        "reward": reward,
        "concluded": complaint.status in DECIDED,
        "may_decide": reward is None and complaint.status in DECIDED and may_decide(complaint, user),
        "may_correct": reward is not None and reward.claimed_at is None and may_decide(complaint, user),
        "may_claim": may_record_claim(complaint, user) and claim_open(reward, today),
        "claim_over": bool(reward and reward.amount and reward.claimed_at is None
                           and reward.claim_due and today > reward.claim_due),
        "provisional": provisional(reward),
    }


@dataclass(frozen=True)
class PublicReward:
    """What the reporter reads: the decision, and how and until when to claim it."""

    grade: RewardGrade
    amount: Decimal | None
    reason: str
    decided_on: dt.date
    claim_due: dt.date | None
    provisional: bool
    claimed_on: dt.date | None
    claim_open: bool
    claim_days: int  # working days from the notice


def for_reporter(complaint: Complaint) -> PublicReward | None:
    """The decision as the tracking page shows it, or None before there is one."""
    reward = for_case(complaint)
    if reward is None:
        return None
    return PublicReward(
        grade=reward.grade, amount=reward.amount, reason=reward.reason,
        decided_on=clock.local_date(reward.decided_at), claim_due=reward.claim_due,
        provisional=provisional(reward),
        claimed_on=clock.local_date(reward.claimed_at) if reward.claimed_at else None,
        claim_open=claim_open(reward, clock.today()),
        claim_days=claim_rule(complaint.region_code, reward.decided_at).days)
