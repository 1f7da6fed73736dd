"""Random inspections (双随机、一公开) in the back office: the item list, and a draw from
preparation to published results.

A draw is prepared (items, ratio, inspectors per target, weighting, target filters), committed
(both directories frozen as canonical JSON, their SHA-256 and the seed's commitment published,
the seed sealed under the data key), drawn (the seed revealed; targets and inspectors follow
from it by `portal.inspections.algorithm`), its recusals recorded (the seed names each
replacement), its results entered and published within 20 working days. The allowed steps are
one table (`STEPS`, taken through `portal.workflow`); every change writes an audit record. Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.errors import Conflict, NotFound
from portal.extensions import db
from portal.inspections import algorithm, directories
from portal.inspections.models import Assignment, DrawState, InspectionDraw, Outcome, Recusal
from portal.institutions.models import InstitutionKind, LicenceStatus
from portal.security import audit, crypto
from portal.workdays.periods import Rule, Unit, add_period
from portal.workflow import StepNotAllowed, Workflow, step

S = DrawState
MANAGERS = frozenset({Role.ADMIN, Role.HANDLER})
MAX_ID = workflow.MAX_ID
MIN_INSPECTORS = 2
# Results are published within 20 working days of the draw (DOMAIN.md).
RESULTS_RULE = Rule(20, Unit.WORKING_DAYS, "双随机、一公开：抽查结果20个工作日内公示")


# Recusals and results keep the draw's state; their audit records name the target instead.
STEPS = Workflow("inspection_draw", "inspection", [
    step("commit", {S.PREPARED}, S.COMMITTED, MANAGERS, action="committed"),
    step("draw", {S.COMMITTED}, S.DRAWN, MANAGERS, action="drawn"),
    step("recuse", {S.DRAWN}, None, MANAGERS, action="recusal", audit_state=False),
    step("result", {S.DRAWN}, None, MANAGERS, action="result", audit_state=False),
    step("publish", {S.DRAWN}, S.PUBLISHED, MANAGERS, action="published"),
])


class DrawNotFound(NotFound, LookupError):
    """No such draw, or not in the person's jurisdiction: the same answer for both."""


class InvalidDraw(ValueError):
    """A draw that cannot be prepared or committed; args[0] names the field."""


class RecusalRefused(ValueError):
    """args[0]: "not_on_team", "has_result", "no_replacement", "reason", "pending" (already proposed)
    or "second_person" (a proposal confirmed by its proposer or the inspector)."""


class ResultInvalid(ValueError):
    """args[0] names the field: "note" (needed), "complaint" (only for an opened case)."""


class ResultsIncomplete(Conflict):
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


def allowed_steps(draw: InspectionDraw, user: User) -> list[str]:
    """The steps the draw's state and the person allow now."""
    return STEPS.allowed(user, draw)


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
    workflow.require(actor, MANAGERS, "prepare")
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


class PublicValueRefused(InvalidDraw):
    """The public value is not named, not in the future at the commitment, or not yet drawn."""


def commit(draw: InspectionDraw, actor: User, now: dt.datetime | None = None, public_value_source: str = "",
           public_value_date: dt.date | None = None) -> None:
    """Freeze both directories, seal a fresh seed and publish the hashes, the commitment and the
    public value the draw will wait for (named now, published on a later day)."""
    def change(moment: dt.datetime) -> dict:
        if public_value_source.strip() and (public_value_date is None
                                            or public_value_date <= clock.local_date(moment)):
            raise PublicValueRefused("public_value_date")
        draw.public_value_source, draw.public_value_date = public_value_source.strip()[:200], public_value_date
        targets = directories.targets_document(draw, clock.local_date(moment))
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
        draw.committed_by_id, draw.committed_at = actor.id, moment
        return {"targets_sha256": draw.targets_sha256, "inspectors_sha256": draw.inspectors_sha256,
                "seed_commitment": draw.seed_commitment, "targets": len(targets["targets"]),
                "inspectors": len(inspectors["inspectors"]), "public_value_source": draw.public_value_source,
                "public_value_date": str(draw.public_value_date) if draw.public_value_date else None}

    STEPS.take(draw, "commit", actor, change=change, now=now)


# ---- The draw ----------------------------------------------------------------------------------

def reveal(draw: InspectionDraw, actor: User, now: dt.datetime | None = None,
           public_value: str | None = None) -> list[Assignment]:
    """Reveal the sealed seed and draw: the targets and their inspectors follow from it, mixed with
    the public value the commitment named (PublicValueRefused before its day, or without it)."""
    assignments: list[Assignment] = []

    def change(moment: dt.datetime) -> dict:
        seed = crypto.decrypt_text(draw.sealed_seed)
        if algorithm.commitment(seed) != draw.seed_commitment:
            raise StepNotAllowed("draw")  # the sealed seed was altered: never draw with it
        if draw.public_value_source:
            value = algorithm.normalise_public_value(public_value or "")
            if not value:
                raise PublicValueRefused("public_value")
            if clock.local_date(moment) < draw.public_value_date:
                raise PublicValueRefused("public_value_date")
            draw.public_value = value[:200]
        targets, inspectors = frozen(draw)
        outcome = algorithm.compute(algorithm.draw_key(seed, draw.public_value), targets, inspectors, [])
        assignments.extend(Assignment(draw_id=draw.id, institution_id=a["target"], rank=rank,
                                      inspector_ids=",".join(str(i) for i in a["inspectors"]))
                           for rank, a in enumerate(outcome["assignments"], start=1))
        db.session.add_all(assignments)
        due = add_period(clock.local_date(moment), RESULTS_RULE)
        draw.seed, draw.drawn_by_id, draw.drawn_at = seed, actor.id, moment
        draw.results_due, draw.results_due_provisional = due.day, due.provisional
        return {"seed": seed, "public_value": draw.public_value, "targets": outcome["targets"],
                "results_due": str(due.day)}

    STEPS.take(draw, "draw", actor, change=change, now=now)
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
    return set(db.session.scalars(select(Recusal.inspector_id).where(
        Recusal.assignment_id == assignment.id, Recusal.replacement_id.is_not(None))))


def recuse(draw: InspectionDraw, assignment: Assignment, actor: User, inspector_id: int, reason: str,
           now: dt.datetime | None = None) -> Recusal:
    """Stand an inspector down from one target for a conflict; the next inspector of the same
    seeded ranking replaces them. The inspector's own declaration holds at once; anyone else's
    is a proposal a second person confirms (`confirm_recusal`). The reason stays in the back office."""
    if actor.id != inspector_id:
        if "recuse" not in allowed_steps(draw, actor):
            raise StepNotAllowed("recuse")
        _team_without(draw, assignment, inspector_id, reason)  # the same refusals as a declaration
        if db.session.scalar(select(Recusal.id).where(Recusal.assignment_id == assignment.id,
                                                      Recusal.inspector_id == inspector_id)) is not None:
            raise RecusalRefused("pending")
        proposal = Recusal(assignment_id=assignment.id, inspector_id=inspector_id, reason=reason.strip(),
                           recorded_by_id=actor.id, recorded_at=now or clock.now())
        db.session.add(proposal)
        db.session.flush()
        audit.record(f"user:{actor.id}", "inspection.recusal_proposed", "inspection", draw.id, at=now,
                     reason=reason.strip(), after={"target": assignment.institution_id, "inspector": inspector_id})
        return proposal
    return _stand_down(draw, assignment, actor, Recusal(
        assignment_id=assignment.id, inspector_id=inspector_id, reason=reason.strip(), recorded_by_id=actor.id),
        now)


def confirm_recusal(draw: InspectionDraw, recusal: Recusal, actor: User, now: dt.datetime | None = None) -> Recusal:
    """A second person confirms someone else's proposal: never its proposer, nor the inspector."""
    if recusal.replacement_id is not None or actor.id in (recusal.recorded_by_id, recusal.inspector_id):
        raise RecusalRefused("second_person")
    return _stand_down(draw, db.session.get(Assignment, recusal.assignment_id), actor, recusal, now)


def _stand_down(draw: InspectionDraw, assignment: Assignment, actor: User, recusal: Recusal,
                now: dt.datetime | None) -> Recusal:
    current, inspector_id, reason = assignment.inspector_id_list, recusal.inspector_id, recusal.reason
    done = [recusal]

    def change(moment: dt.datetime) -> dict:
        new_team = _team_without(draw, assignment, inspector_id, reason)
        recusal.replacement_id = next(i for i in new_team if i not in current)
        recusal.confirmed_by_id, recusal.recorded_at = actor.id, recusal.recorded_at or moment
        db.session.add(recusal)
        replacement = recusal.replacement_id
        assignment.inspector_ids = ",".join(str(i) for i in new_team)
        return {"target": assignment.institution_id, "inspectors": new_team, "recused": inspector_id,
                "replacement": replacement}

    STEPS.take(draw, "recuse", actor, reason, change=change, now=now,
               before={"target": assignment.institution_id, "inspectors": current})
    return done[0]


def pending_recusal(draw: InspectionDraw, recusal_id: int) -> Recusal:
    """A proposal on this draw waiting for a second person (else not found)."""
    found = db.session.get(Recusal, recusal_id) if 1 <= recusal_id <= MAX_ID else None
    assignment = db.session.get(Assignment, found.assignment_id) if found is not None else None
    if assignment is None or assignment.draw_id != draw.id or found.replacement_id is not None:
        raise DrawNotFound(recusal_id)
    return found


def _team_without(draw: InspectionDraw, assignment: Assignment, inspector_id: int, reason: str) -> list[int]:
    """The target's team once the inspector stands down, or RecusalRefused."""
    if not (reason or "").strip():
        raise RecusalRefused("reason")
    if assignment.outcome is not None:
        raise RecusalRefused("has_result")
    if inspector_id not in assignment.inspector_id_list:
        raise RecusalRefused("not_on_team")
    _targets, inspectors = frozen(draw)
    recused = recused_from(assignment) | {inspector_id}
    try:
        return algorithm.team(algorithm.draw_key(draw.seed, draw.public_value), assignment.institution_id,
                              [i["id"] for i in inspectors["inspectors"]], draw.inspectors_per_target, recused)
    except ValueError as exc:
        raise RecusalRefused("no_replacement") from exc


# ---- Results -----------------------------------------------------------------------------------

def record_result(draw: InspectionDraw, assignment: Assignment, actor: User, outcome: Outcome, note: str,
                  complaint_id: int | None = None, now: dt.datetime | None = None) -> None:
    """Enter (or correct, until publication) the result of inspecting one target."""
    note = (note or "").strip()
    before = {"outcome": assignment.outcome.value if assignment.outcome else "", "note": assignment.note}

    def change(moment: dt.datetime) -> dict:
        if outcome is not Outcome.NO_PROBLEM and not note:
            raise ResultInvalid("note")
        if complaint_id is not None and outcome is not Outcome.CASE_OPENED:
            raise ResultInvalid("complaint")
        assignment.outcome, assignment.note, assignment.complaint_id = outcome, note, complaint_id
        assignment.recorded_by_id, assignment.recorded_at = actor.id, moment
        return {"target": assignment.institution_id, "outcome": outcome.value, "note": note,
                "complaint": complaint_id or ""}

    STEPS.take(draw, "result", actor, change=change, before=before, now=now)


def publish(draw: InspectionDraw, actor: User, now: dt.datetime | None = None) -> None:
    """Publish the results once every drawn target has one."""
    def change(moment: dt.datetime) -> None:
        missing = db.session.scalar(select(Assignment.id).where(Assignment.draw_id == draw.id,
                                                                Assignment.outcome.is_(None)).limit(1))
        if missing is not None:
            raise ResultsIncomplete(draw.id)
        draw.published_by_id, draw.published_at = actor.id, moment

    STEPS.take(draw, "publish", actor, change=change, now=now)
