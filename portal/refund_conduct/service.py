"""Recorded decisions on an institution's refund conduct, on the workflow engine (four eyes).

A handler of the office proposes a finding (认定) that a flagged institution refuses refunds or
breaks refund agreements: the reason, the mediation cases it rests on (at least every case the
flag counts now; older refusals or broken agreements of the same institution may be added), the
day the institution was told, and an optional period. Another certified officer (handler or legal
reviewer) of the same office approves it, or refuses with the reason; the proposer never can (the
engine's `other_than_author`, and the table's `ck_refund_conduct_decisions_four_eyes`). An approved
finding is a violation in force (`clause`, registered with the registry's `add_violation` as
"refund_conduct"): the whitelist's fifth condition fails until its period ends or a lifting
(again proposed and approved by two people, with the reason, e.g. the money repaid) is approved.
The flag alone never changes the whitelist. Every step is audited (`refund_conduct.*`); the
written reasons stay on the record, not in the audit, which keeps ids, days and states only.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts.models import Role, User
from portal.accounts.service import covers
from portal.casework.service import actor_label
from portal.errors import Conflict, Invalid, NotFound
from portal.extensions import db
from portal.institutions import service as registry
from portal.institutions.models import Institution
from portal.refund_conduct import flags
from portal.refund_conduct.models import ConductDecision, DecisionCase, DecisionKind, DecisionState
from portal.regions import service as regions
from portal.security import audit
from portal.workflow import ReasonRequired, Workflow, for_staff, step

E, K = DecisionState, DecisionKind
CERTIFIED = (Role.HANDLER, Role.REVIEWER)
VIEWERS = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)
TEXT_MAX = 2000


class ConductNotFound(NotFound):
    """No such institution or decision inside the person's jurisdiction."""


class NotFlagged(Conflict):
    """A finding needs the flag: too few refusals or broken agreements in the last year."""


class AlreadyOpen(Conflict):
    """A decision on the institution waits for approval, or a finding is in force already."""


class NotInForce(Conflict):
    """Only a finding in force can be lifted."""


class CasesMissing(Invalid):
    """The cases chosen leave out one the flag counts, or name one that is not a refusal or broken
    agreement of this institution."""


class DayOutOfRange(Invalid):
    """The day the institution was told is in the future, or a period ends before tomorrow
    (args[0] names the field)."""


def _same_office(user: User, record: ConductDecision, found) -> bool:
    """The second officer belongs to the office that proposed (本机关)."""
    return found.name == "propose" or user.region_code == record.office_code


FLOW = Workflow("refund_conduct_decision", "refund_conduct", [
    step("propose", {E.PROPOSED}, None, {Role.HANDLER}, certificate=True),  # checked before the record exists
    step("approve", {E.PROPOSED}, E.APPROVED, CERTIFIED, certificate=True, other_than_author=True),
    step("refuse", {E.PROPOSED}, E.REFUSED, CERTIFIED, certificate=True, other_than_author=True, reason=True,
         audit_reason=False),
], authors=lambda record: {record.proposed_by_id}, guard=_same_office)


def clause(today: dt.date) -> ColumnElement[bool]:
    """The whitelist's test over the row of `institutions`: a finding about it is in force today."""
    return exists().where(ConductDecision.institution_id == Institution.id, ConductDecision.kind == K.FINDING,
                          ConductDecision.state == E.APPROVED, ConductDecision.effective_on <= today,
                          (ConductDecision.until.is_(None)) | (ConductDecision.until >= today),
                          (ConductDecision.lifted_on.is_(None)) | (ConductDecision.lifted_on > today))


def institution_for(user: User, institution_id: int) -> Institution:
    """A registry institution inside the person's jurisdiction (ConductNotFound otherwise)."""
    try:
        found = registry.get(institution_id)
    except registry.InstitutionNotFound:
        raise ConductNotFound(institution_id) from None
    if not covers(user, found.region_code):
        raise ConductNotFound(institution_id)
    return found


def decision_for(user: User, decision_id: int, *, for_update: bool = False) -> ConductDecision:
    """A decision about an institution inside the person's jurisdiction (ConductNotFound otherwise),
    locked for a step when asked, so two officers cannot decide it at once."""
    found = for_staff(ConductDecision, user, decision_id, ConductNotFound)
    if for_update:
        db.session.refresh(found, with_for_update=True)
    return found


def decisions_of(institution: Institution) -> list[ConductDecision]:
    """Every decision about the institution, newest first, with the cases each rests on."""
    return list(db.session.scalars(select(ConductDecision).where(ConductDecision.institution_id == institution.id)
                                   .options(selectinload(ConductDecision.cases))
                                   .order_by(ConductDecision.id.desc())))


def in_force(decisions: list[ConductDecision], today: dt.date) -> ConductDecision | None:
    return next((d for d in decisions if d.in_force(today)), None)


def waiting(decisions: list[ConductDecision]) -> ConductDecision | None:
    return next((d for d in decisions if d.state is E.PROPOSED), None)


def waiting_in(user: User) -> list[ConductDecision]:
    """Decisions waiting for a second officer in the person's jurisdiction, oldest first."""
    prefix = regions.get(user.region_code).scope_prefix
    return list(db.session.scalars(select(ConductDecision).where(
        ConductDecision.state == E.PROPOSED, ConductDecision.region_code.startswith(prefix))
        .options(selectinload(ConductDecision.institution)).order_by(ConductDecision.id)))


def may_propose(user: User, institution: Institution) -> bool:
    """Whether the engine lets the person propose a decision about the institution (role,
    jurisdiction, certificate); the institution's own state is checked on proposing."""
    return FLOW.may(user, None, "propose") and covers(user, institution.region_code)


def may_decide(user: User, decision: ConductDecision) -> bool:
    """Another certified officer of the proposing office, while the proposal waits."""
    return FLOW.may(user, decision, "approve")


def _text(value: str, name: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > TEXT_MAX:
        raise ReasonRequired(name)
    return value


def _lock(institution: Institution) -> None:
    """Hold the institution's row, so two proposals about it cannot both wait (PostgreSQL; SQLite's
    writers queue already)."""
    db.session.execute(select(Institution.id).where(Institution.id == institution.id).with_for_update())


def _start(institution: Institution, actor: User, kind: DecisionKind, reason: str, now: dt.datetime,
           **values) -> ConductDecision:
    found = ConductDecision(institution_id=institution.id, region_code=institution.region_code,
                            office_code=actor.region_code, kind=kind, state=E.PROPOSED, reason=reason,
                            proposed_by_id=actor.id, proposed_by_label=actor_label(actor, True), created_at=now,
                            **values)
    db.session.add(found)
    db.session.flush()
    return found


def _check_cases(institution: Institution, case_ids: set[int], flag: flags.Flag) -> None:
    if not {case.id for case in flag.cases} <= case_ids:
        raise CasesMissing("cases")
    if not case_ids <= {case.id for case in flags.ever_against(institution)}:
        raise CasesMissing("cases")


def propose_finding(institution: Institution, actor: User, reason: str, case_ids: set[int], told_on: dt.date,
                    until: dt.date | None = None, now: dt.datetime | None = None) -> ConductDecision:
    """A handler proposes the finding; nothing changes for the whitelist until another approves it."""
    now = now or clock.now()
    today = clock.local_date(now)
    FLOW.check(actor, None, "propose", institution.region_code)
    reason = _text(reason, "reason")
    _lock(institution)
    decisions = decisions_of(institution)
    if waiting(decisions) is not None or in_force(decisions, today) is not None:
        raise AlreadyOpen("propose")
    flag = flags.flag_of(institution, today)
    if not flag.flagged:
        raise NotFlagged("propose")
    _check_cases(institution, set(case_ids), flag)
    if told_on > today:
        raise DayOutOfRange("told_on")
    if until is not None and until <= today:
        raise DayOutOfRange("until")
    found = _start(institution, actor, K.FINDING, reason, now, told_on=told_on, until=until)
    db.session.add_all(DecisionCase(decision_id=found.id, mediation_case_id=i) for i in sorted(case_ids))
    db.session.flush()
    audit.record(f"user:{actor.id}", "refund_conduct.propose_finding", "refund_conduct_decision", found.id, at=now,
                 after={"institution": institution.id, "cases": sorted(case_ids), "told_on": str(told_on),
                        "until": str(until or ""), "flag_threshold": flag.threshold})
    return found


def propose_lifting(institution: Institution, actor: User, reason: str, now: dt.datetime | None = None
                    ) -> ConductDecision:
    """A handler proposes to lift the finding in force, with the reason (e.g. the money was repaid)."""
    now = now or clock.now()
    FLOW.check(actor, None, "propose", institution.region_code)
    reason = _text(reason, "reason")
    _lock(institution)
    decisions = decisions_of(institution)
    finding = in_force(decisions, clock.local_date(now))
    if finding is None:
        raise NotInForce("propose")
    if waiting(decisions) is not None:
        raise AlreadyOpen("propose")
    found = _start(institution, actor, K.LIFTING, reason, now, lifts_id=finding.id)
    audit.record(f"user:{actor.id}", "refund_conduct.propose_lifting", "refund_conduct_decision", found.id, at=now,
                 after={"institution": institution.id, "lifts": finding.id})
    return found


def decide(found: ConductDecision, actor: User, approve: bool, note: str = "", now: dt.datetime | None = None) -> None:
    """Another certified officer of the proposing office approves (a finding comes into force, or
    the finding is lifted, today) or refuses with the reason."""
    def change(moment: dt.datetime) -> dict:
        today = clock.local_date(moment)
        found.decided_by_id, found.decided_by_label, found.decided_at = actor.id, actor_label(actor, True), moment
        if not approve:
            found.refusal_reason = (note or "").strip()[:TEXT_MAX]
            return {"institution": found.institution_id, "kind": found.kind.value}
        found.effective_on = today
        if found.kind is K.LIFTING:
            _lift(found, actor, moment)
        return {"institution": found.institution_id, "kind": found.kind.value, "effective_on": str(today)}

    FLOW.take(found, "approve" if approve else "refuse", actor, note, change=change, now=now,
              action=f"{'approve' if approve else 'refuse'}_{found.kind.value}")


def _lift(lifting: ConductDecision, actor: User, moment: dt.datetime) -> None:
    finding = db.session.get(ConductDecision, lifting.lifts_id, with_for_update=True)
    today = clock.local_date(moment)
    if finding is None or not finding.in_force(today):
        raise NotInForce("approve")
    finding.lifted_on = today
    audit.record(f"user:{actor.id}", "refund_conduct.lifted", "refund_conduct_decision", finding.id, at=moment,
                 before={"lifted_on": ""}, after={"lifted_on": str(today), "lifting": lifting.id})
