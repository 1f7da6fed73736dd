"""What staff and the public read of refund conduct: the jurisdiction's flagged institutions, one
institution's page, the mark on the registry page and the mediation panel, the public page's fact."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.service import covers
from portal.casework.models import Complaint
from portal.extensions import db
from portal.institutions.models import Institution
from portal.mediation.models import MediationCase
from portal.refund_conduct import flags, service
from portal.refund_conduct.models import ConductDecision, DecisionKind, DecisionState
from portal.regions import service as regions
from portal.security import audit


@dataclass(frozen=True)
class Row:
    """A flagged institution on the list, with its finding in force or waiting, if any."""

    institution: Institution
    flag: flags.Flag
    in_force: ConductDecision | None
    waiting: ConductDecision | None


def flagged_rows(user: User, today: dt.date) -> list[Row]:
    """The jurisdiction's flagged institutions, most counting cases first (a fixed number of queries)."""
    found = flags.flagged_in(regions.get(user.region_code).scope_prefix, today)
    ids = [flag.institution_id for flag in found]
    if not ids:
        return []
    named = {i.id: i for i in db.session.scalars(select(Institution).where(Institution.id.in_(ids)))}
    decisions: dict[int, list[ConductDecision]] = {}
    for decision in db.session.scalars(select(ConductDecision).where(ConductDecision.institution_id.in_(ids))
                                       .order_by(ConductDecision.id.desc())):
        decisions.setdefault(decision.institution_id, []).append(decision)
    return [Row(named[flag.institution_id], flag, service.in_force(decisions.get(flag.institution_id, []), today),
                service.waiting(decisions.get(flag.institution_id, []))) for flag in found]


def case_numbers(complaint_ids: set[int]) -> dict[int, str]:
    """The case numbers of the cases behind mediation records, by complaint id."""
    if not complaint_ids:
        return {}
    return dict(db.session.execute(select(Complaint.id, Complaint.case_number)
                                   .where(Complaint.id.in_(complaint_ids))).all())


def page(institution: Institution, user: User, today: dt.date) -> dict:
    """One institution's page: the flag with its cases, the decisions, what this officer may do."""
    flag = flags.flag_of(institution, today)
    candidates = flags.ever_against(institution)
    decisions = service.decisions_of(institution)
    rested_on = {c.mediation_case_id for d in decisions for c in d.cases}
    complaint_of = dict(db.session.execute(select(MediationCase.id, MediationCase.complaint_id)
                                           .where(MediationCase.id.in_(rested_on))).all()) if rested_on else {}
    complaint_of.update({case.id: case.complaint_id for case in candidates})
    in_force, waiting = service.in_force(decisions, today), service.waiting(decisions)
    proposer = service.may_propose(user, institution)
    return {"institution": institution, "flag": flag, "candidates": candidates, "decisions": decisions,
            "in_force": in_force, "waiting": waiting, "complaint_of": complaint_of,
            "numbers": case_numbers(set(complaint_of.values())),
            "may_find": proposer and flag.flagged and in_force is None and waiting is None,
            "may_lift": proposer and in_force is not None and waiting is None,
            "may_decide": waiting is not None and service.may_decide(user, waiting),
            "own_waiting": waiting is not None and waiting.proposed_by_id == user.id,
            "audit_entries": [entry for d in decisions
                              for entry in audit.for_object("refund_conduct_decision", d.id)]}


@dataclass(frozen=True)
class Mark:
    """What the registry page and the mediation panel say about an institution."""

    institution: Institution
    flag: flags.Flag
    in_force: ConductDecision | None
    linked: bool  # the viewer's jurisdiction covers it: the refund-conduct page opens for them


def mark(institution_id: int | None, user: User, today: dt.date) -> Mark | None:
    """The institution's flag and finding, or None when there is nothing to mark."""
    institution = db.session.get(Institution, institution_id) if institution_id else None
    if institution is None:
        return None
    flag = flags.flag_of(institution, today)
    in_force = _in_force_finding(institution.id, today)
    if not flag.flagged and in_force is None:
        return None
    return Mark(institution, flag, in_force, covers(user, institution.region_code))


def finding_shown(institution: Institution, today: dt.date) -> ConductDecision | None:
    """The public page's fact: the finding in force today, whose day the reason names."""
    return _in_force_finding(institution.id, today)


def _in_force_finding(institution_id: int, today: dt.date) -> ConductDecision | None:
    found = db.session.scalars(select(ConductDecision).where(
        ConductDecision.institution_id == institution_id, ConductDecision.kind == DecisionKind.FINDING,
        ConductDecision.state == DecisionState.APPROVED).order_by(ConductDecision.id.desc()))
    return next((d for d in found if d.in_force(today)), None)
