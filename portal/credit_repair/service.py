"""Credit repair of a published penalty decision: an approval ends its publication early (the
record is kept), only when the rules allow it; a refusal needs its reason. The step is the
disclosures' "repair" step, so it is checked and audited like the others. Services flush, never
commit.

An approval needs every condition (DOMAIN "Penalty disclosure"; 国办发〔2025〕22号 on credit repair):
- none of the penalties is one repair never ends early (`NOT_REPAIRABLE`);
- the shortest publication period of its penalties and tier has passed (no repair from day 0);
- the party is not on the blacklist (an entry in force with its institution or USCC);
- it has not repeated the violation (no later published decision against the same party);
- staff have checked that it performed the penalty and removed the effects (their attestation is
  recorded with the decision).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, or_, select

from portal import clock
from portal.accounts.models import User
from portal.blacklist.models import ACTIVE_STATES, BlacklistEntry
from portal.credit_repair import applications
from portal.credit_repair.models import RepairApplication
from portal.disclosures.models import Disclosure, DisclosureState, PenaltyCategory, RepairDecision
from portal.disclosures.service import STEPS
from portal.extensions import db
from portal.publication import periods
from portal.workflow import ReasonRequired

BASIS = "国办发〔2025〕22号；教育部令第53号"
# Credit repair never ends the publication of these early.
NOT_REPAIRABLE = frozenset({PenaltyCategory.SUSPENSION, PenaltyCategory.CLOSURE, PenaltyCategory.RESTRICT_BUSINESS,
                            PenaltyCategory.OCCUPATIONAL_BAN, PenaltyCategory.DOWNGRADE,
                            PenaltyCategory.REVOKE_LICENCE, PenaltyCategory.STOP_ENROLMENT,
                            PenaltyCategory.STOP_RUNNING})


class RepairRefused(Exception):
    """Credit repair cannot end this publication early; args[0] is the reason code
    ("not_repairable", "too_early", "ended", "already_approved", "applied_on", "blacklisted",
    "repeated", "not_performed", "effects_remain"), args[1] a date when one explains it."""


def repair_earliest(disclosure: Disclosure) -> dt.date:
    """The first day credit repair may end this publication early: after the shortest period of
    its penalties under its tier."""
    shortest, _longest = periods.month_range(disclosure.penalty_list, disclosure.tier, disclosure.region_code)
    return periods.add_months(disclosure.decision_date, shortest)


def _same_party(model, disclosure: Disclosure):
    matches = []
    if disclosure.institution_id is not None:
        matches.append(model.institution_id == disclosure.institution_id)
    if disclosure.uscc:
        matches.append(model.uscc == disclosure.uscc)
    return or_(*matches) if matches else None


def blacklisted(disclosure: Disclosure) -> bool:
    """A blacklist entry in force names the party (its institution or its USCC)."""
    party = _same_party(BlacklistEntry, disclosure)
    return party is not None and bool(db.session.scalar(select(exists().where(
        BlacklistEntry.state.in_(ACTIVE_STATES), party))))


def repeated_on(disclosure: Disclosure) -> dt.date | None:
    """The date of a later published decision against the same party (a repeated violation)."""
    party = _same_party(Disclosure, disclosure)
    if party is None:
        return None
    return db.session.scalar(select(Disclosure.decision_date).where(
        party, Disclosure.id != disclosure.id, Disclosure.state == DisclosureState.PUBLISHED,
        Disclosure.decision_date > disclosure.decision_date).order_by(Disclosure.decision_date).limit(1))


def repair_refusal(disclosure: Disclosure, today: dt.date, performed: bool = True,
                   effects_removed: bool = True) -> tuple[str, dt.date | None] | None:
    """Why an approved repair could not end this publication early today, or None if it can.
    Without the staff's answers (`performed`, `effects_removed`) only the rules the portal can
    check itself are tried."""
    if disclosure.repair_decision is RepairDecision.APPROVED:
        return "already_approved", disclosure.ended_early_on
    if set(disclosure.penalty_list) & NOT_REPAIRABLE:
        return "not_repairable", None
    if disclosure.publication_end is not None and today > disclosure.publication_end:
        return "ended", disclosure.publication_end
    earliest = repair_earliest(disclosure)
    if today < earliest:
        return "too_early", earliest
    if blacklisted(disclosure):
        return "blacklisted", None
    repeated = repeated_on(disclosure)
    if repeated is not None:
        return "repeated", repeated
    if not performed:
        return "not_performed", None
    if not effects_removed:
        return "effects_remain", None
    return None


def record_repair(disclosure: Disclosure, actor: User, applied_on: dt.date, approve: bool, note: str = "",
                  now: dt.datetime | None = None, performed: bool = False, effects_removed: bool = False,
                  application: RepairApplication | None = None) -> None:
    """Record a credit-repair application and its decision. An approval ends publication early
    (today) only when every condition holds; a refusal needs the reason. An online application
    (`application`) is closed with the decision and its reasons, which the party reads."""
    if application is not None and application.disclosure_id != disclosure.id:
        raise RepairRefused("applied_on", None)
    STEPS.check(actor, disclosure, "repair")
    now = now or clock.now()
    today, note = clock.local_date(now), (note or "").strip()
    if disclosure.repair_decision is RepairDecision.APPROVED:
        raise RepairRefused("already_approved", disclosure.ended_early_on)
    if applied_on > today or applied_on < disclosure.decision_date:
        raise RepairRefused("applied_on", None)
    if approve:
        refusal = repair_refusal(disclosure, today, performed, effects_removed)
        if refusal is not None:
            raise RepairRefused(*refusal)
    elif not note:
        raise ReasonRequired("note")
    before = {"repair_decision": disclosure.repair_decision.value if disclosure.repair_decision else "",
              "ended_early_on": str(disclosure.ended_early_on or "")}

    def change(moment: dt.datetime) -> dict:
        disclosure.repair_applied_on, disclosure.repair_decided_at, disclosure.repair_note = applied_on, moment, note
        disclosure.repair_decision = RepairDecision.APPROVED if approve else RepairDecision.REFUSED
        disclosure.repair_performed, disclosure.repair_effects_removed = performed, effects_removed
        disclosure.ended_early_on = today if approve else None
        if application is not None:
            applications.settle(application, actor.id, approve, note, moment)
        return {"repair_applied_on": str(applied_on), "ended_early_on": str(disclosure.ended_early_on or ""),
                "performed": performed, "effects_removed": effects_removed}

    STEPS.take(disclosure, "repair", actor, note, change=change, before=before, now=now,
               action="repair_approved" if approve else "repair_refused")
