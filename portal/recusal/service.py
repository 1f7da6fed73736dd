"""Declaring a direct interest (回避) and what follows: the engine's veto on every step of the
record (and of the records that belong to it, such as a case's extension request)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework.models import Complaint
from portal.errors import Conflict, Invalid, NotAllowed
from portal.extensions import db
from portal.recusal.models import Declaration
from portal.regions import service as regions
from portal.security import audit

REASON_MAX = 1000
DECLARERS = (Role.ADMIN, Role.HANDLER, Role.REVIEWER, Role.CUSTODIAN)
# Records that belong to a case: stepping aside from the case bars them too (attribute holding its id).
OF_A_CASE = {"complaint": "id", "extension_request": "complaint_id", "enforcement_case": "complaint_id"}


class AlreadyDeclared(Conflict):
    """The person has stepped aside from this record already."""


class NotYours(NotAllowed):
    """Only staff of the case's jurisdiction declare an interest in it."""


class ReasonMissing(Invalid):
    """A declaration says what the interest is."""


def declared(user: User, object_type: str, object_id: int) -> Declaration | None:
    return db.session.scalar(select(Declaration).where(
        Declaration.object_type == object_type, Declaration.object_id == object_id, Declaration.user_id == user.id))


def bars(user: User, object_type: str, record: Any) -> bool:
    """The engine's veto: whether the person stepped aside from this record (or the case it belongs to)."""
    if object_type in OF_A_CASE:
        return declared(user, "complaint", getattr(record, OF_A_CASE[object_type])) is not None
    return declared(user, object_type, record.id) is not None


def declare(complaint: Complaint, user: User, reason: str, now: dt.datetime | None = None) -> Declaration:
    """Step aside from a case, with what the interest is; audited on the case, for good."""
    if not user.active or user.role not in DECLARERS or not accounts.covers(user, complaint.region_code):
        raise NotYours(complaint.id)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ReasonMissing()
    if declared(user, "complaint", complaint.id) is not None:
        raise AlreadyDeclared(complaint.id)
    now = now or clock.now()
    found = Declaration(object_type="complaint", object_id=complaint.id, label=complaint.case_number,
                    region_code=complaint.region_code, user_id=user.id, reason=reason, declared_at=now)
    db.session.add(found)
    if complaint.assignee_id == user.id:
        complaint.assignee_id = None  # no longer theirs to handle
    db.session.flush()
    audit.record(f"user:{user.id}", "recusal.declared", "complaint", complaint.id, at=now, reason=reason,
                 after={"user": user.id})
    return found


def on_case(complaint: Complaint) -> list[Declaration]:
    return list(db.session.scalars(select(Declaration).where(Declaration.object_type == "complaint",
                                                         Declaration.object_id == complaint.id)
                                   .options(selectinload(Declaration.user)).order_by(Declaration.id)))


def in_jurisdiction(user: User, limit: int = 200) -> list[Declaration]:
    """The declarations of the office's jurisdiction, newest first."""
    prefix = regions.get(user.region_code).scope_prefix
    return list(db.session.scalars(select(Declaration).where(Declaration.region_code.startswith(prefix))
                                   .options(selectinload(Declaration.user)).order_by(Declaration.id.desc()).limit(limit)))


def panel(complaint: Complaint, user: User) -> dict:
    """The case page's recusal panel: who stepped aside and why, and whether this officer has."""
    found = on_case(complaint)
    mine = next((r for r in found if r.user_id == user.id), None)
    return {"declarations": found, "mine": mine, "may_declare": mine is None and user.role in DECLARERS}
