"""What the public sees of draws: the list, one draw with its inputs and (once drawn) its
outcome, and the JSON document the standalone script recomputes. A prepared draw is not public;
recusal reasons never are."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.extensions import db
from portal.inspections import algorithm
from portal.inspections.models import Assignment, DrawState, InspectionDraw, Method, Recusal
from portal.inspections.service import MAX_ID, DrawNotFound, frozen
from portal.pagination import Page, paginate

PUBLIC_STATES = (DrawState.COMMITTED, DrawState.DRAWN, DrawState.PUBLISHED)
FORMAT = "portal-inspection-draw/1"


def public_draws(page: int, size: int) -> Page[InspectionDraw]:
    """Committed, drawn and published draws, newest commitment first."""
    query = select(InspectionDraw).where(InspectionDraw.state.in_(PUBLIC_STATES)).order_by(
        InspectionDraw.committed_at.desc(), InspectionDraw.id.desc())
    return paginate(query, page, size)


def get_public(draw_id: int) -> InspectionDraw:
    """A draw the public may see (committed or later)."""
    draw = db.session.get(InspectionDraw, draw_id) if 1 <= draw_id <= MAX_ID else None
    if draw is None or draw.state not in PUBLIC_STATES:
        raise DrawNotFound(draw_id)
    return draw


@dataclass(frozen=True)
class ItemRow:
    name: str
    legal_basis: str
    method: Method


def item_rows(draw: InspectionDraw) -> list[ItemRow]:
    """The draw's items as frozen at commitment (or, while prepared, as the list has them now)."""
    if draw.targets_json is None:
        from portal.inspections.directories import items_of

        return [ItemRow(item.name, item.legal_basis, item.method) for item in items_of(draw)]
    targets, _inspectors = frozen(draw)
    return [ItemRow(item["name"], item["legal_basis"], Method(item["method"])) for item in targets["items"]]


def assignments_of(draw: InspectionDraw) -> list[Assignment]:
    """The drawn targets in draw order, with their institutions and recusals (three queries)."""
    return list(db.session.scalars(
        select(Assignment).where(Assignment.draw_id == draw.id).order_by(Assignment.rank)
        .options(selectinload(Assignment.institution), selectinload(Assignment.recusals))
        .execution_options(populate_existing=True)))  # fresh recusals, even after one this request


def names(user_ids: set[int]) -> dict[int, str]:
    """Display names of staff, in one query."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())


def recusals(assignments: list[Assignment]) -> list[Recusal]:
    """Every recusal of the draw, in the order recorded (loaded with the assignments)."""
    return sorted((r for a in assignments for r in a.recusals if r.replacement_id is not None), key=lambda r: r.id)


def proposed_recusals(assignments: list[Assignment]) -> list[Recusal]:
    """Recusals someone other than the inspector proposed, waiting for a second person."""
    return sorted((r for a in assignments for r in a.recusals if r.replacement_id is None), key=lambda r: r.id)


def document(draw: InspectionDraw, assignments: list[Assignment] | None = None) -> dict:
    """The draw's published inputs and outcome as one JSON object (the download)."""
    targets, inspectors = frozen(draw)
    revealed = draw.state in (DrawState.DRAWN, DrawState.PUBLISHED)
    assignments = assignments_of(draw) if assignments is None and revealed else (assignments or [])
    body = {"format": FORMAT, "algorithm": algorithm.ALGORITHM, "draw_id": draw.id, "title": draw.title,
            "region": draw.region_code, "state": draw.state.value,
            "committed_at": draw.committed_at.isoformat(timespec="seconds"),
            "targets_directory": targets, "targets_sha256": draw.targets_sha256,
            "inspectors_directory": inspectors, "inspectors_sha256": draw.inspectors_sha256,
            "seed_commitment": draw.seed_commitment, "seed": draw.seed if revealed else None,
            "recusals": [], "outcome": None}
    if draw.public_value_source:
        body |= {"public_value_source": draw.public_value_source, "public_value_date": str(draw.public_value_date),
                 "public_value": draw.public_value if revealed else None}
    if not revealed:
        return body
    body["drawn_at"] = draw.drawn_at.isoformat(timespec="seconds")
    body["recusals"] = [{"target": next(a.institution_id for a in assignments if a.id == r.assignment_id),
                         "inspector": r.inspector_id, "replacement": r.replacement_id}
                        for r in recusals(assignments)]
    body["outcome"] = {"targets": [a.institution_id for a in assignments],
                       "assignments": [{"target": a.institution_id, "inspectors": a.inspector_id_list}
                                       for a in assignments]}
    if draw.state is DrawState.PUBLISHED:
        body["results"] = [{"target": a.institution_id, "outcome": a.outcome.value, "note": a.note}
                           for a in assignments]
    return body


@dataclass(frozen=True)
class Check:
    """The outcome of recomputing a stored draw."""

    draw_id: int
    problems: list[str]


def verify_stored(draw: InspectionDraw) -> Check:
    """Recompute a stored draw with the standalone script's code, and also check that the stored
    bytes are the ones whose hashes were published."""
    problems = []
    for name, stored, published in (("targets", draw.targets_json, draw.targets_sha256),
                                    ("inspectors", draw.inspectors_json, draw.inspectors_sha256)):
        if algorithm.digest(stored) != published:
            problems.append(f"the stored {name} directory does not hash to its published hash {published}")
    return Check(draw.id, problems + algorithm.verify(document(draw)))
