"""The inspection item list (抽查事项清单): what is checked, on what legal basis, at what ratio,
how often and how. Each office keeps its own list; a draw may use its office's items and those
of the offices above it. Items are retired, never deleted."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts import service as accounts
from portal.accounts.models import User
from portal.errors import NotAllowed, NotFound
from portal.extensions import db
from portal.inspections.models import InspectionItem, Method
from portal.inspections.service import MANAGERS, MAX_ID, InvalidDraw
from portal.regions import service as regions
from portal.security import audit


class ItemNotFound(NotFound, LookupError):
    """No such inspection item kept by the person's office or one inside it."""


class ItemNotYours(NotAllowed):
    """Only managers change an item list, and only their own office's or one inside it."""


@dataclass
class ItemData:
    name: str
    legal_basis: str
    ratio_percent: int
    frequency: str
    method: Method
    active: bool = True


def offices_up(region_code: str) -> list[str]:
    """A jurisdiction's code and those of the offices above it."""
    return [region.code for region in regions.lineage(regions.get(region_code))]


def items_for(region_code: str, active_only: bool = False) -> list[InspectionItem]:
    """The items a draw of this jurisdiction may use: its own list and those of the offices above."""
    query = select(InspectionItem).where(InspectionItem.region_code.in_(offices_up(region_code)))
    if active_only:
        query = query.where(InspectionItem.active.is_(True))
    return list(db.session.scalars(query.order_by(InspectionItem.active.desc(), InspectionItem.id)))


def item_for_staff(user: User, item_id: int) -> InspectionItem:
    """An item kept by the user's office or an office inside it (else not found)."""
    item = db.session.get(InspectionItem, item_id) if 1 <= item_id <= MAX_ID else None
    if item is None or not accounts.covers(user, item.region_code):
        raise ItemNotFound(item_id)
    return item


def _state(item: InspectionItem) -> dict:
    return {"name": item.name, "legal_basis": item.legal_basis, "ratio_percent": item.ratio_percent,
            "frequency": item.frequency, "method": item.method.value, "active": item.active}


def save_item(actor: User, data: ItemData, item: InspectionItem | None = None) -> InspectionItem:
    """Add an item to the actor's office's list, or change (or retire) one it may manage."""
    if not actor.active or actor.role not in MANAGERS or (
            item is not None and not accounts.covers(actor, item.region_code)):
        raise ItemNotYours("item")
    if not 1 <= data.ratio_percent <= 100:
        raise InvalidDraw("ratio_percent")
    before = _state(item) if item is not None else None
    if item is None:
        item = InspectionItem(region_code=actor.region_code)
        db.session.add(item)
    item.name, item.legal_basis, item.ratio_percent = data.name, data.legal_basis, data.ratio_percent
    item.frequency, item.method, item.active = data.frequency, data.method, data.active
    db.session.flush()
    audit.record(f"user:{actor.id}", "inspection_item.changed" if before else "inspection_item.added",
                 "inspection_item", item.id, before=before, after=_state(item))
    return item
