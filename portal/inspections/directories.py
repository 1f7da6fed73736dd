"""The two directories of a draw ("one list, two directories"): the institutions that may be
drawn, with their weights, and the enforcement officers who may inspect, with the supervisors
invited to observe. Frozen at commitment as canonical JSON (see `portal.inspections.algorithm`).

Weights (when the draw asks for them): an institution with complaints received or penalty
decisions made in the last year, or flagged for refund conduct, is more likely to be drawn:
weight = min(MAX_WEIGHT, 1 + complaints + 2 × penalty decisions + 2 if flagged), a whole number;
the flag's 2 comes from the source `refund_conduct` registers (`add_weight_source`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.casework.models import Complaint
from portal.disclosures.models import Disclosure, DisclosureState
from portal.extensions import db
from portal.inspections.models import InspectionDraw, InspectionItem
from portal.institutions.models import Institution
from portal.institutions.service import code_range
from portal.regions import service as regions

MAX_WEIGHT = 5
LOOKBACK_DAYS = 365
FORMAT_VERSION = 1
SOURCES = "portal.inspection_weight_sources"


def add_weight_source(app: Flask, extra: Callable[[list[int], dt.date], dict[int, int]]) -> None:
    """Weigh institutions more in weighted draws by what a feature above knows: `extra(ids, today)`
    gives the whole number to add for some of them. Frozen with the directory at commitment."""
    app.extensions.setdefault(SOURCES, []).append(extra)


def scope_prefix(region_code: str) -> str:
    """The code prefix of a jurisdiction and everything inside it."""
    return regions.get(region_code).scope_prefix


def target_institutions(draw: InspectionDraw) -> list[Institution]:
    """The registry's institutions in the draw's jurisdiction that its filters keep, by id."""
    query = select(Institution).where(code_range(Institution.region_code, scope_prefix(draw.region_code), 6))
    if draw.county_code:
        query = query.where(Institution.region_code == draw.county_code)
    if draw.kind is not None:
        query = query.where(Institution.kind == draw.kind)
    if draw.licence_status is not None:
        query = query.where(Institution.licence_status == draw.licence_status)
    return list(db.session.scalars(query.order_by(Institution.id)))


def _counts(column, query) -> dict[int, int]:
    return dict(db.session.execute(query.with_only_columns(column, func.count()).group_by(column)).all())


def weights(institution_ids: list[int], today: dt.date) -> dict[int, int]:
    """Each institution's weight from its complaints, penalty decisions and flag of the last year."""
    since = today - dt.timedelta(days=LOOKBACK_DAYS)
    complaints = _counts(Complaint.institution_id, select(Complaint).where(
        Complaint.institution_id.in_(institution_ids), Complaint.received_on >= since))
    decisions = _counts(Disclosure.institution_id, select(Disclosure).where(
        Disclosure.institution_id.in_(institution_ids), Disclosure.decision_date >= since,
        Disclosure.state.in_((DisclosureState.PUBLISHED, DisclosureState.WITHDRAWN))))
    extra = [source(institution_ids, today) for source in current_app.extensions.get(SOURCES, ())]
    return {i: min(MAX_WEIGHT, 1 + complaints.get(i, 0) + 2 * decisions.get(i, 0) + sum(e.get(i, 0) for e in extra))
            for i in institution_ids}


def inspectors(region_code: str) -> list[User]:
    """The enforcement officers who may inspect in a jurisdiction: active handlers inside it."""
    return list(db.session.scalars(select(User).where(
        User.role == Role.HANDLER, User.active.is_(True),
        code_range(User.region_code, scope_prefix(region_code), 6)).order_by(User.id)))


def supervisors(region_code: str) -> list[User]:
    """The social supervisors of a jurisdiction, appointed and in term, who may be invited to observe."""
    from portal.supervisors import service as appointments

    found = db.session.scalars(select(User).where(
        User.role == Role.SUPERVISOR, User.active.is_(True),
        code_range(User.region_code, scope_prefix(region_code), 6)).order_by(User.id))
    return [user for user in found if appointments.current_appointment(user) is not None]


def items_of(draw: InspectionDraw) -> list[InspectionItem]:
    """The draw's inspection items, in the order of the item list."""
    ids = draw.item_id_list
    if not ids:
        return []
    return list(db.session.scalars(select(InspectionItem).where(InspectionItem.id.in_(ids))
                                   .order_by(InspectionItem.id)))


def targets_document(draw: InspectionDraw, today: dt.date) -> dict:
    """The targets directory as it is frozen: parameters, items and each target's weight."""
    found = target_institutions(draw)
    weight = weights([i.id for i in found], today) if draw.weighting else {}
    return {"version": FORMAT_VERSION, "draw": draw.id, "region": draw.region_code,
            "items": [{"id": item.id, "name": item.name, "legal_basis": item.legal_basis,
                       "method": item.method.value} for item in items_of(draw)],
            "ratio_percent": draw.ratio_percent, "weighting": draw.weighting,
            "targets": [{"id": i.id, "name": i.name, "weight": weight.get(i.id, 1)} for i in found]}


def inspectors_document(draw: InspectionDraw) -> dict:
    """The inspectors directory as it is frozen: who may be drawn, and who observes."""
    observers = [u for u in supervisors(draw.region_code) if u.id in set(draw.observer_id_list)]
    return {"version": FORMAT_VERSION, "draw": draw.id, "inspectors_per_target": draw.inspectors_per_target,
            "inspectors": [{"id": u.id, "name": u.display_name} for u in inspectors(draw.region_code)],
            "observers": [{"id": u.id, "name": u.display_name} for u in observers]}
