"""Random inspections (双随机、一公开) in the back office: the item list, and a draw from
preparation to published results.

A draw is prepared (items, ratio, inspectors per target, weighting, target filters), committed
(both directories frozen as canonical JSON, their SHA-256 and the seed's commitment published,
the seed sealed under the data key), drawn (the seed revealed; targets and inspectors follow
from it by `portal.inspections.algorithm`), its recusals recorded (the seed names each
replacement), its results entered and published within 20 working days. The allowed steps are
one table (`STEPS`); every change writes an audit record. Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework.deadlines import Rule, Unit, add_period
from portal.extensions import db
from portal.inspections import algorithm, directories
from portal.inspections.models import Assignment, DrawState, InspectionDraw, Outcome, Recusal
from portal.institutions.models import InstitutionKind, LicenceStatus
from portal.security import audit, crypto

S = DrawState
MANAGERS = frozenset({Role.ADMIN, Role.HANDLER})
MAX_ID = 2**31 - 1
MIN_INSPECTORS = 2
# Results are published within 20 working days of the draw (DOMAIN.md).
RESULTS_RULE = Rule(20, Unit.WORKING_DAYS, "双随机、一公开：抽查结果20个工作日内公示")


@dataclass(frozen=True)
class Step:
    from_states: frozenset[DrawState]
    to_state: DrawState | None  # None: the state stays
    roles: frozenset[Role]


STEPS: dict[str, Step] = {
    "commit": Step(frozenset({S.PREPARED}), S.COMMITTED, MANAGERS),
    "draw": Step(frozenset({S.COMMITTED}), S.DRAWN, MANAGERS),
    "recuse": Step(frozenset({S.DRAWN}), None, MANAGERS),
    "result": Step(frozenset({S.DRAWN}), None, MANAGERS),
    "publish": Step(frozenset({S.DRAWN}), S.PUBLISHED, MANAGERS),
}


class DrawNotFound(LookupError):
    """No such draw, or not in the person's jurisdiction: the same answer for both."""


class StepNotAllowed(Exception):
    """Not from this state, not by this role, or outside the person's jurisdiction."""


class InvalidDraw(ValueError):
    """A draw that cannot be prepared or committed; args[0] names the field."""


class RecusalRefused(ValueError):
    """args[0]: "not_on_team", "has_result", "no_replacement" or "reason"."""


class ResultInvalid(ValueError):
    """args[0] names the field: "note" (needed), "complaint" (only for an opened case)."""


class ResultsIncomplete(Exception):
    """Results cannot be published while a target has none."""


# ---- Finding draws -----------------------------------------------------------------------------

def for_staff(user: User, draw_id: int, for_update: bool = False) -> InspectionDraw:
    """A draw inside the user's jurisdiction (else not found); locked when it is to change."""
    draw = None
    if 1 <= draw_id <= MAX_ID:
        query = select(InspectionDraw).where(InspectionDraw.id == draw_id)
        draw = db.session.scalar(query.with_for_update() if for_update else query)
    if draw is None or not accounts.covers(user, draw.region_code):
        raise DrawNotFound(draw_id)
    return draw


def in_jurisdiction(user: User):
    """The query for the jurisdiction's draws, newest first."""
    prefix = directories.scope_prefix(user.region_code)
    return select(InspectionDraw).where(InspectionDraw.region_code.startswith(prefix)).order_by(
        InspectionDraw.created_at.desc(), InspectionDraw.id.desc())


def _may(user: User, step: Step, draw: InspectionDraw) -> bool:
    return (user.active and user.role in step.roles and accounts.covers(user, draw.region_code)
            and draw.state in step.from_states)


def allowed_steps(draw: InspectionDraw, user: User) -> list[str]:
    """The steps the draw's state and the person allow now."""
    return [name for name, step in STEPS.items() if _may(user, step, draw)]


def _step(draw: InspectionDraw, name: str, actor: User) -> Step:
    step = STEPS[name]
    if not _may(actor, step, draw):
        raise StepNotAllowed(name)
    return step


# ---- Preparing and committing ------------------------------------------------------------------

@dataclass
class DrawData:
    """A draw as staff prepare it."""

    title: str
    item_ids: list[int]
    ratio_percent: int
    inspectors_per_target: int
    weighting: bool = False
    county_code: str | None = None
    kind: InstitutionKind | None = None
    licence_status: LicenceStatus | None = None
    observer_ids: list[int] = field(default_factory=list)


def _check(actor: User, data: DrawData) -> None:
    from portal.inspections.items import items_for

    usable = {item.id for item in items_for(actor.region_code, active_only=True)}
    if not data.item_ids or not set(data.item_ids) <= usable:
        raise InvalidDraw("items")
    if not 1 <= data.ratio_percent <= 100:
        raise InvalidDraw("ratio_percent")
    if data.inspectors_per_target < MIN_INSPECTORS:
        raise InvalidDraw("inspectors_per_target")
    if data.county_code and not accounts.covers(actor, data.county_code):
        raise InvalidDraw("county")
    supervisors = {u.id for u in directories.supervisors(actor.region_code)}
    if not set(data.observer_ids) <= supervisors:
        raise InvalidDraw("observers")


def create_draw(actor: User, data: DrawData, now: dt.datetime | None = None) -> InspectionDraw:
    """Prepare a draw for the actor's jurisdiction; nothing is frozen or public yet."""
    if not actor.active or actor.role not in MANAGERS:
        raise StepNotAllowed("prepare")
    _check(actor, data)
    now = now or clock.now()
    draw = InspectionDraw(
        region_code=actor.region_code, title=data.title, item_ids=",".join(str(i) for i in sorted(data.item_ids)),
        ratio_percent=data.ratio_percent, inspectors_per_target=data.inspectors_per_target,
        weighting=data.weighting, county_code=data.county_code or None, kind=data.kind,
        licence_status=data.licence_status, observer_ids=",".join(str(i) for i in sorted(data.observer_ids)),
        state=S.PREPARED, created_by_id=actor.id, created_at=now)
    db.session.add(draw)
    db.session.flush()
    audit.record(f"user:{actor.id}", "inspection.prepared", "inspection_draw", draw.id, at=now,
                 after={"state": draw.state.value, "title": draw.title, "items": draw.item_ids,
                        "ratio_percent": draw.ratio_percent, "inspectors_per_target": draw.inspectors_per_target,
                        "weighting": draw.weighting})
    return draw


def commit(draw: InspectionDraw, actor: User, now: dt.datetime | None = None) -> None:
    """Freeze both directories, seal a fresh seed and publish the hashes and the commitment."""
    step = _step(draw, "commit", actor)
    now = now or clock.now()
    targets = directories.targets_document(draw, clock.local_date(now))
    inspectors = directories.inspectors_document(draw)
    if not targets["targets"]:
        raise InvalidDraw("targets")
    if len(inspectors["inspectors"]) < draw.inspectors_per_target:
        raise InvalidDraw("inspectors")
    seed = algorithm.new_seed()
    draw.targets_json, draw.inspectors_json = algorithm.canonical(targets), algorithm.canonical(inspectors)
    draw.targets_sha256, draw.inspectors_sha256 = (algorithm.digest(draw.targets_json),
                                                   algorithm.digest(draw.inspectors_json))
    draw.seed_commitment, draw.sealed_seed = algorithm.commitment(seed), crypto.encrypt_text(seed)
    draw.state, draw.committed_by_id, draw.committed_at = step.to_state, actor.id, now
    db.session.flush()
    audit.record(f"user:{actor.id}", "inspection.committed", "inspection_draw", draw.id, at=now,
                 before={"state": S.PREPARED.value},
                 after={"state": draw.state.value, "targets_sha256": draw.targets_sha256,
                        "inspectors_sha256": draw.inspectors_sha256, "seed_commitment": draw.seed_commitment,
                        "targets": len(targets["targets"]), "inspectors": len(inspectors["inspectors"])})


# ---- The draw ----------------------------------------------------------------------------------

def reveal(draw: InspectionDraw, actor: User, now: dt.datetime | None = None) -> list[Assignment]:
    """Reveal the sealed seed and draw: the targets and their inspectors follow from it."""
    step = _step(draw, "draw", actor)
    now = now or clock.now()
    seed = crypto.decrypt_text(draw.sealed_seed)
    if algorithm.commitment(seed) != draw.seed_commitment:
        raise StepNotAllowed("draw")  # the sealed seed was altered: never draw with it
    targets, inspectors = frozen(draw)
    outcome = algorithm.compute(seed, targets, inspectors, [])
    assignments = [Assignment(draw_id=draw.id, institution_id=a["target"], rank=rank,
                              inspector_ids=",".join(str(i) for i in a["inspectors"]))
                   for rank, a in enumerate(outcome["assignments"], start=1)]
    db.session.add_all(assignments)
    due = add_period(clock.local_date(now), RESULTS_RULE)
    draw.seed, draw.state, draw.drawn_by_id, draw.drawn_at = seed, step.to_state, actor.id, now
    draw.results_due, draw.results_due_provisional = due.day, due.provisional
    db.session.flush()
    audit.record(f"user:{actor.id}", "inspection.drawn", "inspection_draw", draw.id, at=now,
                 before={"state": S.COMMITTED.value},
                 after={"state": draw.state.value, "seed": seed, "targets": outcome["targets"],
                        "results_due": str(due.day)})
    return assignments


def frozen(draw: InspectionDraw) -> tuple[dict, dict]:
    """The two frozen directories, parsed from the stored bytes."""
    return json.loads(draw.targets_json), json.loads(draw.inspectors_json)


def assignment_of(draw: InspectionDraw, assignment_id: int) -> Assignment:
    """One drawn target of this draw (else not found)."""
    assignment = db.session.get(Assignment, assignment_id, options=[selectinload(Assignment.institution)]) \
        if 1 <= assignment_id <= MAX_ID else None
    if assignment is None or assignment.draw_id != draw.id:
        raise DrawNotFound(assignment_id)
    return assignment


def recused_from(assignment: Assignment) -> set[int]:
    return set(db.session.scalars(select(Recusal.inspector_id).where(Recusal.assignment_id == assignment.id)))


def recuse(draw: InspectionDraw, assignment: Assignment, actor: User, inspector_id: int, reason: str,
           now: dt.datetime | None = None) -> Recusal:
    """Stand an inspector down from one target for a conflict; the next inspector of the same
    seeded ranking replaces them. The reason stays in the back office."""
    _step(draw, "recuse", actor)
    reason = (reason or "").strip()
    if not reason:
        raise RecusalRefused("reason")
    if assignment.outcome is not None:
        raise RecusalRefused("has_result")
    current = assignment.inspector_id_list
    if inspector_id not in current:
        raise RecusalRefused("not_on_team")
    _targets, inspectors = frozen(draw)
    recused = recused_from(assignment) | {inspector_id}
    try:
        new_team = algorithm.team(draw.seed, assignment.institution_id, [i["id"] for i in inspectors["inspectors"]],
                                  draw.inspectors_per_target, recused)
    except ValueError as exc:
        raise RecusalRefused("no_replacement") from exc
    now = now or clock.now()
    replacement = next(i for i in new_team if i not in current)
    recusal = Recusal(assignment_id=assignment.id, inspector_id=inspector_id, replacement_id=replacement,
                      reason=reason, recorded_by_id=actor.id, recorded_at=now)
    db.session.add(recusal)
    assignment.inspector_ids = ",".join(str(i) for i in new_team)
    db.session.flush()
    audit.record(f"user:{actor.id}", "inspection.recusal", "inspection_draw", draw.id, at=now,
                 before={"target": assignment.institution_id, "inspectors": current},
                 after={"target": assignment.institution_id, "inspectors": new_team, "recused": inspector_id,
                        "replacement": replacement}, reason=reason)
    return recusal


# ---- Results -----------------------------------------------------------------------------------

def record_result(draw: InspectionDraw, assignment: Assignment, actor: User, outcome: Outcome, note: str,
                  complaint_id: int | None = None, now: dt.datetime | None = None) -> None:
    """Enter (or correct, until publication) the result of inspecting one target."""
    _step(draw, "result", actor)
    note = (note or "").strip()
    if outcome is not Outcome.NO_PROBLEM and not note:
        raise ResultInvalid("note")
    if complaint_id is not None and outcome is not Outcome.CASE_OPENED:
        raise ResultInvalid("complaint")
    now = now or clock.now()
    before = {"outcome": assignment.outcome.value if assignment.outcome else "", "note": assignment.note}
    assignment.outcome, assignment.note, assignment.complaint_id = outcome, note, complaint_id
    assignment.recorded_by_id, assignment.recorded_at = actor.id, now
    db.session.flush()
    audit.record(f"user:{actor.id}", "inspection.result", "inspection_draw", draw.id, at=now, before=before,
                 after={"target": assignment.institution_id, "outcome": outcome.value, "note": note,
                        "complaint": complaint_id or ""})


def publish(draw: InspectionDraw, actor: User, now: dt.datetime | None = None) -> None:
    """Publish the results once every drawn target has one."""
    step = _step(draw, "publish", actor)
    missing = db.session.scalar(select(Assignment.id).where(Assignment.draw_id == draw.id,
                                                            Assignment.outcome.is_(None)).limit(1))
    if missing is not None:
        raise ResultsIncomplete(draw.id)
    now = now or clock.now()
    draw.state, draw.published_by_id, draw.published_at = step.to_state, actor.id, now
    db.session.flush()
    audit.record(f"user:{actor.id}", "inspection.published", "inspection_draw", draw.id, at=now,
                 before={"state": S.DRAWN.value}, after={"state": draw.state.value})


@dataclass(frozen=True)
class InstitutionResult:
    """One published inspection of an institution, for its registry page."""

    draw_id: int
    title: str
    drawn_on: dt.date
    outcome: Outcome
    note: str


def results_for_institution(institution_id: int) -> list[InstitutionResult]:
    """The institution's published inspection results, newest draw first."""
    rows = db.session.execute(
        select(InspectionDraw.id, InspectionDraw.title, InspectionDraw.drawn_at, Assignment.outcome, Assignment.note)
        .join(Assignment, Assignment.draw_id == InspectionDraw.id)
        .where(Assignment.institution_id == institution_id, InspectionDraw.state == S.PUBLISHED)
        .order_by(InspectionDraw.drawn_at.desc(), InspectionDraw.id.desc())).all()
    return [InstitutionResult(row.id, row.title, clock.local_date(row.drawn_at), row.outcome, row.note)
            for row in rows]
