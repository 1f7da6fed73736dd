"""State machines as data: each feature's table of steps, and one transition function.

A feature describes each step once (`Step`): the states it starts from, the state it leads to,
the roles that may take it, whether it needs an enforcement certificate, someone other than the
record's author, a written reason, and its audit action. `Workflow.take` is then the only place
a record of that feature changes state: it checks the person (active, role, jurisdiction,
certificate, not the author) and the record's state, lets the feature apply what the step
changes besides the state, records the feature's history entry through its hook and writes one
audit record. A refusal raises before anything changes. Services flush, never commit.

Disclosures and typical cases share one review-and-publish procedure built on it
(`portal.workflow.review`).

A feature above may bar a person from a record whatever the step (`add_veto`: recusal, 回避); the
engine refuses such a person every step on it with `Recused`. A feature above may act on every step
taken (`add_listener`: the written notices issued at a step).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import Enum
from operator import attrgetter
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Select, func, select

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.errors import Conflict, Invalid
from portal.extensions import db
from portal.regions import service as regions
from portal.security import audit

MAX_ID = 2**31 - 1  # ids beyond a 32-bit integer are not looked up (PostgreSQL would refuse them)


class StepNotAllowed(Conflict):
    """Not from this state, not by this role, or outside the person's jurisdiction (args[0]
    names the step); answered 409 like a page that is out of date."""


class CertificateRequired(StepNotAllowed):
    """A formal decision: only someone holding an enforcement certificate number."""


class OwnWork(StepNotAllowed):
    """The step needs someone other than the record's author (or the one who asked for it)."""


class Recused(StepNotAllowed):
    """The person declared a direct interest in the record (回避): from then on they act on it no more."""


class ReasonRequired(Invalid):
    """The step needs written words: a reason, a comment, a note (args[0] names it)."""


@dataclass(frozen=True)
class Step:
    """One step as data. `to_state` None: the state stays (an edit, a note, a result)."""

    name: str
    from_states: frozenset
    to_state: Enum | None
    roles: frozenset[Role]
    certificate: bool = False  # needs an enforcement certificate number
    other_than_author: bool = False  # never by the record's author or the step's requester
    reason: bool = False  # needs written words
    action: str = ""  # the audit action after the feature's prefix (the step's name by default)
    audit_state: bool = True  # the audit record's before/after name the state
    audit_reason: bool = True  # the audit record keeps the written words (False: only the history does)


def step(name: str, from_states: Iterable, to_state: Enum | None, roles: Iterable[Role], **rules: Any) -> Step:
    """A `Step` from any iterables of states and roles."""
    return Step(name, frozenset(from_states), to_state, frozenset(roles), **rules)


@dataclass(frozen=True)
class Moved:
    """What a step did: the states it moved between, the reason given, when, and the
    feature's history entry (None when the feature keeps none)."""

    step: Step
    from_state: Enum
    to_state: Enum
    reason: str
    at: dt.datetime
    entry: Any = None


def require(user: User, roles: Iterable[Role], name: str, region_code: str | None = None) -> None:
    """Refuse (StepNotAllowed) an inactive person, another role, or a region outside the
    person's jurisdiction: for what starts a record before any table applies."""
    if not user.active or user.role not in roles or (region_code is not None
                                                     and not accounts.covers(user, region_code)):
        raise StepNotAllowed(name)


def in_jurisdiction(model: Any, user: User, state: Enum | None = None) -> Select:
    """The query for a feature's records inside the person's jurisdiction, in one state or all."""
    query = select(model).where(model.region_code.startswith(regions.get(user.region_code).scope_prefix))
    return query if state is None else query.where(model.state == state)


def counts(model: Any, user: User, states: Iterable[Enum]) -> dict[Enum, int]:
    """How many of the jurisdiction's records are in each state."""
    prefix = regions.get(user.region_code).scope_prefix
    found = dict(db.session.execute(select(model.state, func.count()).where(model.region_code.startswith(prefix))
                                    .group_by(model.state)).all())
    return {state: found.get(state, 0) for state in states}


def for_staff(model: Any, user: User, record_id: int, missing: type[Exception], *options: Any) -> Any:
    """A record inside the person's jurisdiction (its relationships in `options` loaded), else
    `missing`: the same answer for a record that does not exist and one of another region."""
    record = db.session.scalar(select(model).where(model.id == record_id).options(*options)) \
        if 1 <= record_id <= MAX_ID else None
    if record is None or not accounts.covers(user, record.region_code):
        raise missing(record_id)
    return record


def add_veto(app: Any, veto: Callable[[User, str, Any], bool]) -> None:
    """Register a rule of a feature above the engine that bars a person from a record whatever the
    step (recusal): `veto(user, object_type, record)` True refuses every step with `Recused`."""
    app.extensions.setdefault("portal.workflow_vetoes", []).append(veto)


def vetoed(user: User, object_type: str, record: Any) -> bool:
    """Whether a registered veto bars the person from the record (also for steps outside a table)."""
    return has_app_context() and any(veto(user, object_type, record)
                                     for veto in current_app.extensions.get("portal.workflow_vetoes", ()))


def add_listener(app: Any, listener: Callable[[str, Any, Moved, User], None]) -> None:
    """Register what a feature above the engine does after any step is taken (the written notices):
    `listener(object_type, record, moved, actor)`, inside the step's transaction; raising refuses it."""
    app.extensions.setdefault("portal.workflow_listeners", []).append(listener)


def announce(object_type: str, record: Any, moved: Moved, actor: User | None = None) -> None:
    """Tell the listeners of a step taken (by the engine, or by a reporter outside it: actor None)."""
    for listener in current_app.extensions.get("portal.workflow_listeners", ()) if has_app_context() else ():
        listener(object_type, record, moved, actor)


def no_authors(record: Any) -> set[int]:
    """For features whose steps never need someone other than the author."""
    return set()


class Workflow:
    """A feature's steps and the one place they are taken.

    `object_type` and `prefix` name the audit records ("<prefix>.<action>"); `state` is the
    record's attribute holding its state (and the audit records' key for it); `region` gives the
    record's region for the jurisdiction check; `authors` the people who may not take an
    `other_than_author` step now; `guard(user, record, step)` any further condition of the
    feature's on who may take a step (casework's "only from a wider jurisdiction"); `history`
    records the feature's timeline entry for a move and returns it (None: the audit record is the
    history). A feature whose steps carry more data (a timeline kind, public or not) subclasses
    `Step`; the engine reads only the fields above."""

    def __init__(self, object_type: str, prefix: str, steps: Iterable[Step], *,
                 state: str = "state", region: Callable[[Any], str] = attrgetter("region_code"),
                 authors: Callable[[Any], set[int]] = no_authors,
                 guard: Callable[[User, Any, Step], bool] | None = None,
                 history: Callable[[Any, Moved, User], Any] | None = None) -> None:
        self.object_type, self.prefix, self.state = object_type, prefix, state
        self.steps = {s.name: s for s in steps}
        self.region, self.authors, self.guard, self.history = region, authors, guard, history

    def __getitem__(self, name: str) -> Step:
        return self.steps[name]

    def __contains__(self, name: object) -> bool:
        return name in self.steps

    def may(self, user: User, record: Any, name: str) -> bool:
        """True when `check` would let the person take the step now."""
        try:
            self.check(user, record, name)
        except StepNotAllowed:
            return False
        return True

    def possible(self, record: Any) -> list[str]:
        """The steps the record's state allows, whoever asks (for read-only pages)."""
        return [name for name, found in self.steps.items() if getattr(record, self.state) in found.from_states]

    def allowed(self, user: User, record: Any) -> list[str]:
        """The steps the record's state and the person allow now (for the page's forms)."""
        return [name for name in self.steps if self.may(user, record, name)]

    def check(self, user: User, record: Any, name: str, region_code: str | None = None) -> Step:
        """The step, or StepNotAllowed (state, role, jurisdiction), OwnWork, CertificateRequired.
        `region_code`, when given, must lie in the jurisdiction too (a new draft has no record)."""
        found = self.steps.get(name)
        if found is None or (record is not None and getattr(record, self.state) not in found.from_states):
            raise StepNotAllowed(name)
        require(user, found.roles, name, self.region(record) if record is not None else region_code)
        if record is not None and region_code is not None:
            require(user, found.roles, name, region_code)  # an edit that moves the record elsewhere
        if record is not None and self.guard is not None and not self.guard(user, record, found):
            raise StepNotAllowed(name)
        if record is not None and vetoed(user, self.object_type, record):
            raise Recused(name)
        if record is not None and found.other_than_author and user.id in self.authors(record):
            raise OwnWork(name)
        if found.certificate and not user.certificate_number:
            raise CertificateRequired(name)
        return found

    def take(self, record: Any, name: str, actor: User, reason: str = "", *,
             change: Callable[[dt.datetime], dict | None] | None = None, before: dict | None = None,
             target: Enum | None = None, action: str = "", now: dt.datetime | None = None) -> Moved:
        """Take one step, or raise with nothing changed. `change(now)` applies the feature's own
        rules and effects and returns the audit record's extra "after" fields; `before` replaces
        the audit's default before (the state); `target` overrides the table's next state and
        `action` its audit action, for steps whose outcome depends on the record."""
        found = self.check(actor, record, name)
        reason = (reason or "").strip()
        if found.reason and not reason:
            raise ReasonRequired(name)
        now = now or clock.now()
        old = getattr(record, self.state)
        extras = (change(now) if change else None) or {}
        new = target or found.to_state or old
        setattr(record, self.state, new)
        moved = Moved(found, old, new, reason, now)
        if self.history is not None:
            moved = replace(moved, entry=self.history(record, moved, actor))
        db.session.flush()
        default_before = {self.state: old.value} if found.audit_state else {}
        after = {self.state: new.value, **extras} if found.audit_state else extras
        audit.record(f"user:{actor.id}", f"{self.prefix}.{action or found.action or name}", self.object_type,
                     record.id, at=now, before=default_before if before is None else before, after=after,
                     reason=reason if found.audit_reason else "")
        announce(self.object_type, record, moved, actor)
        return moved
