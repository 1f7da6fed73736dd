"""Credit repair of a published penalty decision: an approval ends its publication early (the
record is kept), only when the rules allow it; a refusal needs its reason. The step is the
disclosures' "repair" step, so it is checked and audited like the others. Services flush, never
commit."""
from __future__ import annotations

import datetime as dt

from portal import clock
from portal.accounts.models import User
from portal.disclosures.models import Disclosure, PenaltyCategory, RepairDecision, Tier
from portal.disclosures.service import STEPS
from portal.publication.periods import add_months
from portal.workflow import ReasonRequired

# Credit repair never ends the publication of these early (国办发〔2025〕22号).
NOT_REPAIRABLE = frozenset({PenaltyCategory.SUSPENSION, PenaltyCategory.CLOSURE, PenaltyCategory.OCCUPATIONAL_BAN,
                            PenaltyCategory.DOWNGRADE, PenaltyCategory.REVOKE_LICENCE})
# Credit repair may end publication early only this many months after the decision.
REPAIR_MINIMUM_MONTHS = {Tier.GENERAL: 3, Tier.SERIOUS: 12}


class RepairRefused(Exception):
    """Credit repair cannot end this publication early; args[0] is the reason code
    ("not_repairable", "too_early", "ended", "already_approved", "applied_on"), args[1] a date
    when one explains it."""


def repair_earliest(disclosure: Disclosure) -> dt.date:
    """The first day credit repair may end this publication early."""
    return add_months(disclosure.decision_date, REPAIR_MINIMUM_MONTHS[disclosure.tier])


def repair_refusal(disclosure: Disclosure, today: dt.date) -> tuple[str, dt.date | None] | None:
    """Why an approved repair could not end this publication early today, or None if it can."""
    if disclosure.repair_decision is RepairDecision.APPROVED:
        return "already_approved", disclosure.ended_early_on
    if set(disclosure.penalty_list) & NOT_REPAIRABLE:
        return "not_repairable", None
    if disclosure.publication_end is not None and today > disclosure.publication_end:
        return "ended", disclosure.publication_end
    earliest = repair_earliest(disclosure)
    if today < earliest:
        return "too_early", earliest
    return None


def record_repair(disclosure: Disclosure, actor: User, applied_on: dt.date, approve: bool, note: str = "",
                  now: dt.datetime | None = None) -> None:
    """Record a credit-repair application and its decision. An approval ends publication early
    (today), only after the tier's minimum period and never for suspension, closure,
    occupational ban, downgrade or revocation; a refusal needs the reason."""
    STEPS.check(actor, disclosure, "repair")
    now = now or clock.now()
    today, note = clock.local_date(now), (note or "").strip()
    if disclosure.repair_decision is RepairDecision.APPROVED:
        raise RepairRefused("already_approved", disclosure.ended_early_on)
    if applied_on > today or applied_on < disclosure.decision_date:
        raise RepairRefused("applied_on", None)
    if approve:
        refusal = repair_refusal(disclosure, today)
        if refusal is not None:
            raise RepairRefused(*refusal)
    elif not note:
        raise ReasonRequired("note")
    before = {"repair_decision": disclosure.repair_decision.value if disclosure.repair_decision else "",
              "ended_early_on": str(disclosure.ended_early_on or "")}

    def change(moment: dt.datetime) -> dict:
        disclosure.repair_applied_on, disclosure.repair_decided_at, disclosure.repair_note = applied_on, moment, note
        disclosure.repair_decision = RepairDecision.APPROVED if approve else RepairDecision.REFUSED
        disclosure.ended_early_on = today if approve else None
        return {"repair_applied_on": str(applied_on), "ended_early_on": str(disclosure.ended_early_on or "")}

    STEPS.take(disclosure, "repair", actor, note, change=change, before=before, now=now,
               action="repair_approved" if approve else "repair_refused")
