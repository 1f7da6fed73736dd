"""Declaring a direct interest (回避) and what follows: the engine's veto on every step of the
record (and of the records that belong to it, such as a case's extension or identity requests).

A person declares their own interest, which holds at once; or a colleague records someone else's,
which holds only once a second person — neither the colleague nor the one named — confirms it (as
an inspector's recusal does). The kinds of record are registered by the features that own them
(`add_kind`): cases here, disclosures, blacklist entries and identity requests in their packages."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.errors import Conflict, Invalid, NotAllowed, NotFound
from portal.extensions import db
from portal.recusal.models import Declaration
from portal.regions import service as regions
from portal.security import audit

REASON_MAX = 1000
DECLARERS = (Role.ADMIN, Role.HANDLER, Role.REVIEWER, Role.CUSTODIAN)
# Records that belong to a case: stepping aside from the case bars them too (attribute holding its id).
OF_A_CASE = {"complaint": "id", "extension_request": "complaint_id", "identity_request": "complaint_id",
              "enforcement_case": "complaint_id"}
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Kind:
    """A kind of record one may step aside from: how to load it for a person (NotFound outside their
    jurisdiction), its region, its number for the lists, and its staff page (endpoint, argument)."""

    object_type: str
    name: Any  # a lazy label: "Case", "Penalty disclosure", …
    load: Callable[[User, int], Any]
    region: Callable[[Any], str]
    label: Callable[[Any], str]
    endpoint: str
    arg: str
    declared: Callable[[Any, User], None] | None = None  # what follows for the record (a case unassigned)


class UnknownKind(NotFound):
    """No such kind of record, or no such declaration in the jurisdiction."""


class AlreadyDeclared(Conflict):
    """The person has stepped aside from this record already, or a declaration for them waits."""


class NotYours(NotAllowed):
    """Only staff of the record's jurisdiction declare, confirm, or are named."""


class SecondPersonRequired(NotAllowed):
    """A declaration recorded for someone else is confirmed by a third person, not the recorder or the one named."""


class ReasonMissing(Invalid):
    """A declaration says what the interest is."""


def add_kind(app: Flask, kind: Kind) -> None:
    """Register a kind of record staff may step aside from (its feature's `init_app`)."""
    app.extensions.setdefault("portal.recusal_kinds", {})[kind.object_type] = kind


def kinds() -> dict[str, Kind]:
    return current_app.extensions.get("portal.recusal_kinds", {})


def kind_of(object_type: str) -> Kind:
    found = kinds().get(object_type)
    if found is None:
        raise UnknownKind(object_type)
    return found


def _eligible(user: User, region_code: str) -> bool:
    return user.active and user.role in DECLARERS and accounts.covers(user, region_code)


def declaration_of(user: User, object_type: str, object_id: int) -> Declaration | None:
    """The person's declaration on the record, in force or waiting."""
    return db.session.scalar(select(Declaration).where(
        Declaration.object_type == object_type, Declaration.object_id == object_id, Declaration.user_id == user.id))


def declared(user: User, object_type: str, object_id: int) -> Declaration | None:
    """The person's declaration on the record, if it is in force."""
    found = declaration_of(user, object_type, object_id)
    return found if found is not None and found.in_force else None


def bars(user: User, object_type: str, record: Any) -> bool:
    """The engine's veto: whether the person stepped aside from this record or the case it belongs to."""
    if object_type in OF_A_CASE and declared(user, "complaint", getattr(record, OF_A_CASE[object_type])):
        return True
    return object_type != "complaint" and declared(user, object_type, record.id) is not None


def declare(kind: Kind, record: Any, actor: User, reason: str, person: User | None = None,
            now: dt.datetime | None = None) -> Declaration:
    """Step aside from a record (`person` None or the actor), or record that `person` must (then a
    second person confirms it); with what the interest is; audited on the record, for good."""
    person = person or actor
    region = kind.region(record)
    if not _eligible(actor, region) or not _eligible(person, region):
        raise NotYours(record.id)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ReasonMissing()
    if declaration_of(person, kind.object_type, record.id) is not None:
        raise AlreadyDeclared(record.id)
    now, own = now or clock.now(), person.id == actor.id
    found = Declaration(object_type=kind.object_type, object_id=record.id, label=kind.label(record)[:40],
                        region_code=region, user_id=person.id, reason=reason, declared_at=now,
                        recorded_by_id=actor.id, confirmed_at=now if own else None)
    db.session.add(found)
    db.session.flush()
    audit.record(f"user:{actor.id}", "recusal.declared" if own else "recusal.proposed", kind.object_type,
                 record.id, at=now, reason=reason, after={"user": person.id, "in_force": own})
    if own and kind.declared:
        kind.declared(record, person)
    return found


def may_confirm(declaration: Declaration, user: User) -> bool:
    """A waiting declaration, and a third person of its jurisdiction."""
    return (not declaration.in_force and _eligible(user, declaration.region_code)
            and user.id not in (declaration.recorded_by_id, declaration.user_id))


def pending(user: User, declaration_id: int) -> Declaration:
    """A declaration of the person's jurisdiction, else UnknownKind (the same answer as none)."""
    found = db.session.get(Declaration, declaration_id) if 1 <= declaration_id <= MAX_ID else None
    if found is None or not accounts.covers(user, found.region_code):
        raise UnknownKind(declaration_id)
    return found


def confirm(declaration: Declaration, actor: User, now: dt.datetime | None = None) -> Declaration:
    """Confirm a declaration a colleague recorded for someone else: from now on it bars them."""
    if not may_confirm(declaration, actor):
        raise SecondPersonRequired(declaration.id)
    now = now or clock.now()
    declaration.confirmed_by_id, declaration.confirmed_at = actor.id, now
    db.session.flush()
    audit.record(f"user:{actor.id}", "recusal.confirmed", declaration.object_type, declaration.object_id, at=now,
                 after={"user": declaration.user_id, "recorded_by": declaration.recorded_by_id})
    kind = kinds().get(declaration.object_type)
    if kind is not None and kind.declared:
        kind.declared(kind.load(actor, declaration.object_id), db.session.get(User, declaration.user_id))
    return declaration


def _people(query):
    return query.options(selectinload(Declaration.user), selectinload(Declaration.recorded_by),
                         selectinload(Declaration.confirmed_by))


def on_record(object_type: str, object_id: int) -> list[Declaration]:
    return list(db.session.scalars(_people(select(Declaration).where(
        Declaration.object_type == object_type, Declaration.object_id == object_id)).order_by(Declaration.id)))


def in_jurisdiction(user: User, limit: int = 200) -> list[Declaration]:
    """The declarations of the office's jurisdiction, newest first."""
    prefix = regions.get(user.region_code).scope_prefix
    return list(db.session.scalars(_people(select(Declaration).where(Declaration.region_code.startswith(prefix)))
                                   .order_by(Declaration.id.desc()).limit(limit)))


def colleagues(region_code: str) -> list[User]:
    """The staff who may be named as having an interest in a record of the region: whose jurisdiction covers it."""
    codes = [r.code for r in regions.lineage(regions.get(region_code))]
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(DECLARERS),
                                                      User.region_code.in_(codes)).order_by(User.display_name)))


def record_panel(object_type: str, record: Any, user: User) -> dict:
    """A record page's recusal panel: who stepped aside and why, what waits for a second person,
    and whether this officer has stepped aside or may declare."""
    found = on_record(object_type, record.id)
    mine = next((r for r in found if r.user_id == user.id and r.in_force), None)
    return {"declarations": found, "mine": mine, "object_type": object_type, "record": record,
            "may_declare": user.active and user.role in DECLARERS,
            "confirmable": {r.id for r in found if may_confirm(r, user)}}


def unassign(complaint: Any, person: User) -> None:
    """A case's assignment to the person who stepped aside is cleared: no longer theirs to handle."""
    if complaint.assignee_id == person.id:
        complaint.assignee_id = None


def panel(complaint: Any, user: User) -> dict:
    """The case page's recusal panel (a casework panel)."""
    return record_panel("complaint", complaint, user)
