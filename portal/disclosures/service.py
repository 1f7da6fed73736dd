"""Penalty disclosures in the back office: drafting against the discretion benchmark, legal
review by someone other than the drafter, publication and withdrawal.

The allowed steps are one table (`STEPS`: the shared review-and-publish steps of `portal.workflow.review`
and the credit-repair step that `portal.credit_repair` takes); every change writes an audit record
(object type "disclosure"); the benchmark itself is `portal.discretion`. Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import clock, workflow
from portal.accounts.models import Role, User
from portal.casework.models import Category
from portal.disclosures.models import (
    Circumstance,
    Disclosure,
    DisclosureState,
    PartyType,
    PenaltyCategory,
)
from portal.discretion import service as discretion
from portal.errors import Invalid, NotFound
from portal.extensions import db
from portal.publication import periods
from portal.security import audit
from portal.workflow import ReasonRequired, Workflow
from portal.workflow import review as reviewing

D = DisclosureState



DRAFTERS = frozenset({Role.ADMIN, Role.HANDLER})
# The review before publication (公示审核) is a formal check: a certified reviewer other than the
# drafter. The decision's own legal review (法制审核) happened before the decision and is recorded
# on the draft.
STEPS = Workflow("disclosure", "disclosure", [
    *reviewing.review_steps(D, DRAFTERS, {Role.REVIEWER}, certificate=True),
    workflow.step("revocation", {D.PUBLISHED}, None, DRAFTERS),
    workflow.step("repair", {D.PUBLISHED}, None, DRAFTERS),
], authors=reviewing.drafter)


class DisclosureNotFound(NotFound, LookupError):
    """No such disclosure, or not in the person's jurisdiction: the same answer for both."""


class DecisionNumberTaken(ValueError):
    """Another disclosure already has this decision number."""


class InvalidPeriod(ValueError):
    """The months chosen fall outside the range of the penalties and the tier; args[0] is the
    (shortest, longest) range."""


class RevocationDateInvalid(Invalid):
    """A withdrawal needs the day the decision was revoked or changed: on or after the decision
    date, not in the future."""


class InvalidDraft(ValueError):
    """A rule across fields does not hold (a fine without its amount, a region outside the
    jurisdiction, dates in the wrong order); args[0] names the field."""


# ---- Finding disclosures -----------------------------------------------------------------------

def for_staff(user: User, disclosure_id: int) -> Disclosure:
    """A disclosure inside the user's jurisdiction (else not found)."""
    return workflow.for_staff(Disclosure, user, disclosure_id, DisclosureNotFound)


def allowed_steps(disclosure: Disclosure, user: User) -> list[str]:
    """The steps the disclosure's state and the person allow now (for the page's forms); the
    drafter never sees the review."""
    return STEPS.allowed(user, disclosure)


# ---- Drafting ----------------------------------------------------------------------------------

@dataclass
class DraftData:
    """Every 双公示 field as staff enter it, and the period chosen in months (the tier follows
    the circumstances)."""

    region_code: str
    party_name: str
    party_type: PartyType
    decision_number: str
    violation: Category
    circumstance: Circumstance
    facts: str
    legal_basis: str
    penalties: list[PenaltyCategory]
    penalty_content: str
    decision_date: dt.date
    months: int
    authority_name: str
    authority_uscc: str
    data_source: str
    uscc: str | None = None
    legal_representative: str = ""
    institution_id: int | None = None
    complaint_id: int | None = None
    fine_amount: Decimal | None = None
    confiscated_amount: Decimal | None = None
    outside_range_reason: str = ""
    valid_until: dt.date | None = None
    remarks: str = ""
    simplified_procedure: bool = False
    lifelong: bool = False
    legal_reviewer_name: str = ""
    legal_reviewed_on: dt.date | None = None
    collective_discussion: bool = False
    outside: list[str] = field(default_factory=list)  # filled by save_draft


FIELDS = ("region_code", "party_name", "party_type", "uscc", "legal_representative", "institution_id",
          "complaint_id", "decision_number", "violation", "circumstance", "facts", "legal_basis",
          "penalty_content", "fine_amount", "confiscated_amount", "outside_range_reason", "decision_date",
          "valid_until", "authority_name", "authority_uscc", "data_source", "remarks", "simplified_procedure",
          "lifelong", "legal_reviewer_name", "legal_reviewed_on", "collective_discussion")


def _state(disclosure: Disclosure) -> dict:
    values = {name: getattr(disclosure, name) for name in FIELDS}
    values = {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}
    values.update(penalties=disclosure.penalties, publication_end=disclosure.publication_end,
                  tier=disclosure.tier.value, period_months=disclosure.period_months, state=disclosure.state.value)
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


def check_legal_review(data: DraftData) -> None:
    """The decision's 法制审核 (who, when) is recorded, on or before the decision date, except for
    the simplified procedure; an especially serious case was discussed collectively (arts. 57–58)."""
    if not data.simplified_procedure:
        if not data.legal_reviewer_name.strip():
            raise InvalidDraft("legal_reviewer_name")
        if data.legal_reviewed_on is None:
            raise InvalidDraft("legal_reviewed_on")
    if data.legal_reviewed_on is not None and data.legal_reviewed_on > data.decision_date:
        raise InvalidDraft("legal_reviewed_on")
    if data.circumstance is Circumstance.ESPECIALLY_SERIOUS and not data.collective_discussion:
        raise InvalidDraft("collective_discussion")


def check_draft(data: DraftData) -> list[str]:
    """Raise for what the rules refuse; return what falls outside the benchmark."""
    if not data.penalties:
        raise InvalidDraft("penalties")
    if periods.not_published(data.penalties, data.simplified_procedure):
        raise InvalidDraft("simplified_procedure")
    low, high = periods.month_range(data.penalties, periods.tier_for(data.circumstance), data.region_code)
    if not low <= data.months <= high:
        raise InvalidPeriod((low, high))
    check_legal_review(data)
    if data.lifelong and (not periods.lasts_as_long(data.penalties) or data.valid_until is not None):
        raise InvalidDraft("lifelong")
    if (PenaltyCategory.FINE in data.penalties) != (data.fine_amount is not None):
        raise InvalidDraft("fine_amount")
    if data.valid_until is not None and data.valid_until < data.decision_date:
        raise InvalidDraft("valid_until")
    outside = discretion.outside_range(discretion.benchmark(data.violation, data.circumstance, data.region_code),
                                       data.penalties,
                                       data.fine_amount)
    if outside and not data.outside_range_reason.strip():
        raise ReasonRequired("outside_range_reason")
    return outside


def save_draft(actor: User, data: DraftData, disclosure: Disclosure | None = None,
               now: dt.datetime | None = None) -> Disclosure:
    """Create a draft, or change one while it is a draft or returned; by a handler or an
    administrator of the jurisdiction. Nothing is stored when a rule refuses."""
    STEPS.check(actor, disclosure, "edit", data.region_code)
    data.outside = check_draft(data)
    taken = db.session.scalar(select(Disclosure.id).where(Disclosure.decision_number == data.decision_number))
    if taken is not None and (disclosure is None or taken != disclosure.id):
        raise DecisionNumberTaken(data.decision_number)
    now = now or clock.now()
    before = _state(disclosure) if disclosure is not None else None
    target = disclosure or Disclosure(drafter_id=actor.id, state=D.DRAFT, created_at=now)
    for name in FIELDS:
        setattr(target, name, getattr(data, name))
    target.outside_range_reason = data.outside_range_reason.strip() if data.outside else ""
    target.penalties = ",".join(p.value for p in PenaltyCategory if p in data.penalties)
    target.tier, target.period_months = periods.tier_for(data.circumstance), data.months
    target.publication_end = periods.publication_end(data.decision_date, data.months, data.penalties,
                                                     data.valid_until, data.lifelong)
    try:
        with db.session.begin_nested():  # another officer saving the same number at the same moment
            db.session.add(target)
            db.session.flush()
    except IntegrityError as exc:
        raise DecisionNumberTaken(data.decision_number) from exc
    audit.record(f"user:{actor.id}", "disclosure.edited" if before else "disclosure.drafted", "disclosure",
                 target.id, at=now, before=before, after=_state(target),
                 reason=target.outside_range_reason)
    return target


# ---- Steps -------------------------------------------------------------------------------------

def submit(disclosure: Disclosure, actor: User, now: dt.datetime | None = None) -> None:
    """Send a draft (or a returned one) for the review before publication (公示审核)."""
    reviewing.submit(STEPS, disclosure, actor, now)


def review(disclosure: Disclosure, reviewer: User, approve: bool, comment: str = "",
           now: dt.datetime | None = None) -> None:
    """The review before publication (公示审核): approve (it is published now) or return to the drafter with comments. A
    certified reviewer of the jurisdiction who did not draft it."""
    reviewing.review(STEPS, disclosure, reviewer, approve, comment, now, after=lambda: {
        "reviewer": reviewer.id, "outside_range_reason": disclosure.outside_range_reason})


def _check_revoked_on(disclosure: Disclosure, revoked_on: dt.date | None, today: dt.date) -> dt.date:
    if revoked_on is None or not disclosure.decision_date <= revoked_on <= today:
        raise RevocationDateInvalid("revoked_on")
    return revoked_on


def record_revocation(disclosure: Disclosure, actor: User, revoked_on: dt.date,
                      now: dt.datetime | None = None) -> None:
    """Record that a published decision was revoked or changed: its withdrawal is due within 3
    working days of that day, and the inbox and the reminders count it."""
    now = now or clock.now()
    STEPS.check(actor, disclosure, "revocation")
    _check_revoked_on(disclosure, revoked_on, clock.local_date(now))
    before = {"revoked_on": str(disclosure.revoked_on or "")}

    def change(moment: dt.datetime) -> dict:
        disclosure.revoked_on = revoked_on
        return {"revoked_on": str(revoked_on)}

    STEPS.take(disclosure, "revocation", actor, change=change, before=before, now=now)


def withdraw(disclosure: Disclosure, actor: User, reason: str, revoked_on: dt.date | None = None,
             now: dt.datetime | None = None) -> None:
    """Withdraw a published decision that was revoked or changed; the reason is shown publicly.
    The revocation day is given now or was recorded before."""
    now = now or clock.now()
    STEPS.check(actor, disclosure, "withdraw")
    revoked_on = _check_revoked_on(disclosure, revoked_on or disclosure.revoked_on, clock.local_date(now))

    def change(moment: dt.datetime) -> dict:
        disclosure.withdrawn_at, disclosure.withdrawal_reason = moment, (reason or "").strip()
        disclosure.revoked_on = revoked_on
        return {"revoked_on": str(revoked_on)}

    STEPS.take(disclosure, "withdraw", actor, reason, change=change, now=now)


# ---- Lists -------------------------------------------------------------------------------------

def in_jurisdiction(user: User, state: DisclosureState | None = None):
    """The query for the jurisdiction's disclosures, newest decision first."""
    return workflow.in_jurisdiction(Disclosure, user, state).order_by(Disclosure.decision_date.desc(),
                                                                      Disclosure.id.desc())


def counts(user: User) -> dict[DisclosureState, int]:
    """How many disclosures of the jurisdiction are in each state."""
    return workflow.counts(Disclosure, user, DisclosureState)


