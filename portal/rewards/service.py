"""Reward decisions on concluded cases, and the reporter's claim.

A legal reviewer decides a grade (a share of the fines and confiscations, with a minimum and a
cap) or no reward; an amount other than the computed one, a refusal and any later correction
each need a written reason. The reporter sees the decision on the tracking page and claims it
at the office within the claim period; anonymous reporters prove themselves with the receipt.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import force_locale, format_currency
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework import deadlines, lookup
from portal.casework import mail as notifications
from portal.casework import service as casework
from portal.casework.exceptions import NotPermitted, ReasonRequired, StepNotAllowed
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Status
from portal.errors import Invalid
from portal.extensions import db
from portal.i18n import _
from portal.rewards.models import Reward, RewardGrade
from portal.rules import service as rules
from portal.security import audit
from portal.workdays.service import calendar_for


@dataclass(frozen=True)
class Scale:
    rate: Decimal  # share of the fines and confiscations
    minimum: Decimal


@dataclass(frozen=True)
class Scales:
    """A province's reward rules at one moment (`portal.rules`; national default: the SAMR 2021 model,
    市场监管领域重大违法行为举报奖励暂行办法)."""

    grades: dict[RewardGrade, Scale]
    cap: Decimal  # per case
    flat_sum: Decimal  # paid instead of the grade's share when above 0
    first_reporter_only: bool  # only the first reporter (首告) of linked duplicates is rewarded


GRADE_NUMBERS = {RewardGrade.FIRST: 1, RewardGrade.SECOND: 2, RewardGrade.THIRD: 3}
FEN = Decimal("0.01")
MAX_BASE = Decimal("999999999999.99")  # what Numeric(14, 2) holds
DECIDED = frozenset({Status.CONCLUDED, Status.ARCHIVED})


class NotConcluded(StepNotAllowed):
    """Rewards are decided only on concluded or archived cases."""


class AlreadyDecided(StepNotAllowed):
    """The case has its decision; change it with a correction."""


class InvalidAmount(Invalid):
    """Negative, more than two decimals, too large, or above the cap."""


class NoDecision(StepNotAllowed):
    """There is no decision to correct yet."""


class DecisionFinal(StepNotAllowed):
    """The reward has been collected: the decision no longer changes."""


class NothingToClaim(StepNotAllowed):
    """No reward decided, no reward granted, or the claim is already recorded."""


class ClaimPeriodOver(StepNotAllowed):
    """The claim period has ended."""


class ProofNotAccepted(Invalid):
    """The receipt does not belong to this case, or a named reporter's check is not described."""


class NotFirstReporter(StepNotAllowed):
    """The province rewards only the first reporter (首告): this case is linked as a duplicate of an earlier one."""


def scales(region_code: str, at: dt.datetime | None = None) -> Scales:
    """The reward rules in force for `region_code` at `at` (now by default)."""
    grades = {grade: Scale(rules.rate(f"reward_grade{number}_rate", region_code, at),
                           rules.value(f"reward_grade{number}_minimum", region_code, at))
              for grade, number in GRADE_NUMBERS.items()}
    return Scales(grades, rules.value("reward_cap", region_code, at), rules.value("reward_flat_sum", region_code, at),
                  rules.value("reward_first_reporter_only", region_code, at))


def claim_rule(region_code: str, at: dt.datetime | dt.date | None = None) -> deadlines.Rule:
    """The claim period in force for `region_code` at `at` (30 working days by default)."""
    return rules.limit("reward_claim", region_code, at)


def compute(grade: RewardGrade, base_amount: Decimal, scale: Scales) -> Decimal:
    """The flat sum where the province pays one, else the grade's share of the fines and
    confiscations, to the fen, raised to the grade's minimum; held to the cap either way."""
    if grade not in scale.grades:
        raise InvalidAmount(grade)
    base = _money(base_amount)
    if scale.flat_sum > 0:
        return min(scale.flat_sum, scale.cap).quantize(FEN)
    rule = scale.grades[grade]
    share = (base * rule.rate).quantize(FEN, rounding=ROUND_HALF_UP)
    return min(max(share, rule.minimum), scale.cap).quantize(FEN)


def _money(value: Decimal) -> Decimal:
    """An exact amount in yuan (no floats, at most two decimals, not negative, storable)."""
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value > MAX_BASE \
            or value != value.quantize(FEN, rounding=ROUND_HALF_UP):
        raise InvalidAmount(value)
    return value.quantize(FEN)


def for_case(complaint: Complaint) -> Reward | None:
    """The case's reward decision, if one is recorded."""
    return db.session.scalar(select(Reward).where(Reward.complaint_id == complaint.id))


def may_decide(complaint: Complaint, user: User) -> bool:
    """An active, certified legal reviewer whose jurisdiction covers the case."""
    return (user.active and user.role is Role.REVIEWER and bool(user.certificate_number)
            and accounts.covers(user, complaint.region_code))


def may_record_claim(complaint: Complaint, user: User) -> bool:
    """An active handler or reviewer whose jurisdiction covers the case."""
    return (user.active and user.role in (Role.HANDLER, Role.REVIEWER)
            and accounts.covers(user, complaint.region_code))


def _terms(complaint: Complaint, grade: RewardGrade, base_amount: Decimal | None, amount: Decimal | None,
           reason: str, now: dt.datetime) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(base, computed, awarded) for a decision under the rules in force for the case now, or raise
    when a reason or an amount is missing, or the case is not the first report the province rewards."""
    if grade is RewardGrade.NONE:
        if not reason:
            raise ReasonRequired("none")
        return None, None, None
    if base_amount is None:
        raise InvalidAmount(None)
    scale = scales(complaint.region_code, now)
    if scale.first_reporter_only and complaint.duplicate_of_id is not None:
        raise NotFirstReporter()
    computed = compute(grade, base_amount, scale)
    awarded = computed if amount is None else _money(amount)
    if awarded <= 0 or awarded > scale.cap:
        raise InvalidAmount(awarded)
    if awarded != computed and not reason:
        raise ReasonRequired("amount")
    return _money(base_amount), computed, awarded


def _state(reward: Reward) -> dict:
    return {"grade": reward.grade.value, "base_amount": str(reward.base_amount or ""),
            "computed_amount": str(reward.computed_amount or ""), "amount": str(reward.amount or ""),
            "claim_due": str(reward.claim_due or "")}


def decide(complaint: Complaint, actor: User, grade: RewardGrade, base_amount: Decimal | None = None,
           amount: Decimal | None = None, reason: str = "", now: dt.datetime | None = None) -> Reward:
    """Record the reward decision on a concluded case (once; later changes are corrections)."""
    if not may_decide(complaint, actor):
        raise NotPermitted()
    if complaint.status not in DECIDED:
        raise NotConcluded()
    now, reason = now or clock.now(), reason.strip()
    base, computed, awarded = _terms(complaint, grade, base_amount, amount, reason, now)
    reward = Reward(complaint_id=complaint.id, grade=grade, base_amount=base, computed_amount=computed,
                    amount=awarded, reason=reason, decided_by_id=actor.id, decided_at=now,
                    claim_due=_claim_due(complaint, now).day if awarded else None)
    try:
        with db.session.begin_nested():  # a second reviewer deciding at the same moment
            db.session.add(reward)
    except IntegrityError as exc:
        raise AlreadyDecided() from exc
    _timeline(complaint, reward, actor, now)
    audit.record(f"user:{actor.id}", "reward.decided", "complaint", complaint.id, at=now,
                 after=_state(reward), reason=reason)
    return reward


def correct(complaint: Complaint, actor: User, grade: RewardGrade, base_amount: Decimal | None = None,
            amount: Decimal | None = None, reason: str = "", now: dt.datetime | None = None) -> Reward:
    """Change a recorded decision, with a reason; not once the reward has been claimed."""
    if not may_decide(complaint, actor):
        raise NotPermitted()
    reward = _locked(complaint)
    if reward is None:
        raise NoDecision()
    if reward.claimed_at is not None:
        raise DecisionFinal()
    now, reason = now or clock.now(), reason.strip()
    if not reason:
        raise ReasonRequired("correction")
    base, computed, awarded = _terms(complaint, grade, base_amount, amount, reason, now)
    before = _state(reward)
    if awarded is None:
        claim_due = None
    else:  # a reward newly granted runs from this notice; a changed one keeps its period
        claim_due = reward.claim_due or _claim_due(complaint, now).day
    reward.grade, reward.base_amount, reward.computed_amount, reward.amount = grade, base, computed, awarded
    reward.reason, reward.decided_by_id, reward.decided_at, reward.claim_due = reason, actor.id, now, claim_due
    db.session.flush()
    _timeline(complaint, reward, actor, now, corrected=True)
    audit.record(f"user:{actor.id}", "reward.corrected", "complaint", complaint.id, at=now,
                 before=before, after=_state(reward), reason=reason)
    return reward


def _locked(complaint: Complaint) -> Reward | None:
    """The decision, locked for this transaction (two officers recording one claim)."""
    return db.session.scalar(select(Reward).where(Reward.complaint_id == complaint.id)
                             .with_for_update().execution_options(populate_existing=True))


def _claim_due(complaint: Complaint, decided_at: dt.datetime) -> deadlines.Due:
    return deadlines.add_period(clock.local_date(decided_at), claim_rule(complaint.region_code, decided_at))


def yuan(amount: Decimal) -> str:
    """An amount as people of the current language read it (¥5,000.00)."""
    return format_currency(amount, "CNY")


def _timeline(complaint: Complaint, reward: Reward, actor: User, now: dt.datetime,
              corrected: bool = False) -> None:
    """A public entry the reporter reads; it names the decision, never the reporter."""
    with force_locale("zh_CN"):  # the file's official language, like every decision's record
        if reward.amount is None:
            body = _("No reward. Reason: %(reason)s", reason=reward.reason)
        else:
            body = _("%(grade)s: %(amount)s. Claim it by %(date)s.", grade=reward.grade.label,
                     amount=yuan(reward.amount), date=reward.claim_due.isoformat())
            if reward.reason:
                body += " " + _("Reason: %(reason)s", reason=reward.reason)
        if corrected:
            body = _("Decision corrected.") + " " + body
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.REWARD, public=True, body=body,
                                  actor_id=actor.id, actor_label=casework.actor_label(actor, True),
                                  created_at=now))
    db.session.flush()
    notifications.case_updated(complaint)  # sent after the commit, if the reporter asked


def provisional(reward: Reward | None) -> bool:
    """Whether the claim deadline falls in a year whose holiday schedule is not entered yet."""
    if reward is None or reward.claim_due is None:
        return False
    return calendar_for(reward.claim_due, reward.claim_due).is_working_day(reward.claim_due)[1]


def claim_open(reward: Reward | None, today: dt.date) -> bool:
    """A granted reward, not claimed yet, within its claim period."""
    return bool(reward and reward.amount and reward.claimed_at is None and reward.claim_due
                and today <= reward.claim_due)


def record_claim(complaint: Complaint, actor: User, *, receipt: str = "", identity_check: str = "",
                 now: dt.datetime | None = None) -> Reward:
    """Record that the reporter collected the reward. An anonymous reporter proves it is them
    with the case's receipt; for a named one, staff say how they checked who it was."""
    if not may_record_claim(complaint, actor):
        raise NotPermitted()
    now = now or clock.now()
    reward = _locked(complaint)
    if reward is None or reward.amount is None or reward.claimed_at is not None:
        raise NothingToClaim()
    if clock.local_date(now) > reward.claim_due:
        raise ClaimPeriodOver()
    if receipt or complaint.anonymous:
        try:
            found = lookup.find_by_receipt(receipt)
        except lookup.ReceiptNotFound:
            raise ProofNotAccepted() from None
        if found.id != complaint.id:
            raise ProofNotAccepted()
    if not complaint.anonymous and not identity_check.strip():
        raise ProofNotAccepted()
    proof = "receipt" if complaint.anonymous else "identity"
    reward.claimed_at, reward.claim_recorded_by_id = now, actor.id
    with force_locale("zh_CN"):
        reward.claim_note = identity_check.strip() or _("Proved with the case's receipt code.")
        body = _("Reward of %(amount)s collected.", amount=yuan(reward.amount))
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.REWARD, public=True, body=body,
                                  actor_id=actor.id, actor_label=casework.actor_label(actor, False),
                                  created_at=now))
    db.session.flush()
    # The note stays on the reward only: the audit trail is read by every officer on the case.
    audit.record(f"user:{actor.id}", "reward.claimed", "complaint", complaint.id, at=now,
                 after={"amount": str(reward.amount), "proof": proof, "receipt_checked": bool(receipt)})
    return reward
