"""Objections (异议) by a listed party after listing, answered in writing. Staff of the entry's
jurisdiction record an objection received (on paper, by mail) while the entry is in force, and
answer it; both are audited ("blacklist.objection_recorded", "blacklist.objection_answered") and
kept with the entry. Services flush, never commit."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock, workflow
from portal.accounts.models import Role, User
from portal.blacklist.models import ACTIVE_STATES, BlacklistEntry, BlacklistObjection
from portal.errors import Invalid, NotFound
from portal.extensions import db
from portal.security import audit

STAFF = frozenset({Role.ADMIN, Role.HANDLER, Role.REVIEWER})


class ObjectionInvalid(Invalid):
    """args[0] names the field: "received_on" (before listing or in the future), "summary" or "answer"
    (empty)."""


class ObjectionNotFound(NotFound):
    """No such objection on this entry."""


def for_entry(entry: BlacklistEntry) -> list[BlacklistObjection]:
    """The entry's objections, oldest first."""
    return list(db.session.scalars(select(BlacklistObjection).where(BlacklistObjection.entry_id == entry.id)
                                   .order_by(BlacklistObjection.received_on, BlacklistObjection.id)))


def get(entry: BlacklistEntry, objection_id: int) -> BlacklistObjection:
    found = db.session.get(BlacklistObjection, objection_id) if 1 <= objection_id <= workflow.MAX_ID else None
    if found is None or found.entry_id != entry.id:
        raise ObjectionNotFound(objection_id)
    return found


def may_object(entry: BlacklistEntry) -> bool:
    """Objections come after listing, while the entry is in force."""
    return entry.state in ACTIVE_STATES


def record(entry: BlacklistEntry, actor: User, received_on: dt.date, summary: str,
           now: dt.datetime | None = None) -> BlacklistObjection:
    """Record an objection received from the listed party."""
    workflow.require(actor, STAFF, "objection", entry.region_code)
    if workflow.vetoed(actor, "blacklist_entry", entry):
        raise workflow.Recused("objection")
    if not may_object(entry):
        raise workflow.StepNotAllowed("objection")
    now = now or clock.now()
    summary = (summary or "").strip()
    if entry.listed_on is None or not entry.listed_on <= received_on <= clock.local_date(now):
        raise ObjectionInvalid("received_on")
    if not summary:
        raise ObjectionInvalid("summary")
    objection = BlacklistObjection(entry_id=entry.id, received_on=received_on, summary=summary,
                                   recorded_by_id=actor.id, created_at=now)
    db.session.add(objection)
    db.session.flush()
    audit.record(f"user:{actor.id}", "blacklist.objection_recorded", "blacklist_entry", entry.id, at=now,
                 after={"objection": objection.id, "received_on": str(received_on)})
    return objection


def answer(entry: BlacklistEntry, objection: BlacklistObjection, actor: User, text: str,
           now: dt.datetime | None = None) -> None:
    """Answer an objection in writing, once."""
    workflow.require(actor, STAFF, "objection_answer", entry.region_code)
    if workflow.vetoed(actor, "blacklist_entry", entry):
        raise workflow.Recused("objection_answer")
    if objection.answered_on is not None:
        raise workflow.StepNotAllowed("objection_answer")
    text = (text or "").strip()
    if not text:
        raise ObjectionInvalid("answer")
    now = now or clock.now()
    objection.answer, objection.answered_on, objection.answered_by_id = text, clock.local_date(now), actor.id
    db.session.flush()
    audit.record(f"user:{actor.id}", "blacklist.objection_answered", "blacklist_entry", entry.id, at=now,
                 after={"objection": objection.id, "answered_on": str(objection.answered_on)}, reason=text)
