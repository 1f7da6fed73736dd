"""Reading and changing the rules kept as data.

A rule's value is resolved for a region and a moment: the province's latest change at or before the
moment, else the national one's, else the definition's default (a rule added in code before its
national row is seeded). A record's deadline is counted with the rule in force when the record's
period started, so a change applies to records started after it and never moves a stored deadline.

Every change is a new row (the history) and an audit record (`rules.changed`). National values are
changed by administrators whose jurisdiction is the whole country (or the command line); a
province's by that province's administrators. Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import g
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.errors import Invalid, NotAllowed, NotFound
from portal.extensions import db
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.rules.definitions import BY_NAME, DEFINITIONS, Definition, Kind
from portal.rules.models import RuleChange
from portal.security import audit
from portal.workdays.periods import Rule

NATIONAL = ""
SEEDED_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # national defaults cover every older record
SYSTEM = "system"
_CACHE = "portal_rule_changes"


class UnknownRule(NotFound):
    """No rule has that name."""


class RulesNotYours(NotAllowed):
    """Only administrators of a province change its rules, and national administrators the national ones."""


class ValueOutOfBounds(Invalid):
    """Not a value of the rule's kind, or outside the bounds the law leaves."""


class ReasonRequired(Invalid):
    """A change needs its reason."""


class NothingToReset(Invalid):
    """A national rule cannot go back to a national value, nor a province's that follows it already."""


def definition(name: str) -> Definition:
    """The rule named `name` (UnknownRule)."""
    if name not in BY_NAME:
        raise UnknownRule(name)
    return BY_NAME[name]


@dataclass(frozen=True)
class Stored:
    """A change as read (a plain copy: it outlives commits in the same request or command)."""

    id: int
    name: str
    scope: str
    value: str | None
    effective_from: dt.datetime
    actor: str
    reason: str


def _changes() -> list[Stored]:
    """Every change, read once per request or command (a few hundred short rows at most)."""
    if _CACHE not in g:
        rows = db.session.execute(select(RuleChange.id, RuleChange.name, RuleChange.scope, RuleChange.value,
                                         RuleChange.effective_from, RuleChange.actor, RuleChange.reason)
                                  .order_by(RuleChange.effective_from, RuleChange.id))
        g.setdefault(_CACHE, [Stored(*row) for row in rows])
    return g.get(_CACHE)


def _forget() -> None:
    g.pop(_CACHE, None)


def _in_force(changes: Iterable[Stored], name: str, scope: str, at: dt.datetime | dt.date) -> Stored | None:
    found = None
    for change in changes:
        if change.name == name and change.scope == scope and _started(change, at):
            found = change
    return found


def _started(change: Stored, at: dt.datetime | dt.date) -> bool:
    if isinstance(at, dt.datetime):
        return change.effective_from <= at
    return clock.local_date(change.effective_from) <= at


def scope_of(region_code: str | None) -> str:
    """The scope whose rules apply to a region: its province, or national for None or the country."""
    return regions.province_of(region_code) if region_code else NATIONAL


@dataclass(frozen=True)
class Resolved:
    """A rule's value in a scope, and where it comes from."""

    definition: Definition
    value: Any
    text: str
    own: Stored | None  # the scope's own change in force, if the value is the scope's own
    national: bool  # whether the value is the national one


def resolve(name: str, region_code: str | None = None, at: dt.datetime | dt.date | None = None) -> Resolved:
    """The value of rule `name` for `region_code` (None: national) in force at `at` (default now)."""
    rule = definition(name)
    at = at or clock.now()
    changes = _changes()
    scope = scope_of(region_code)
    own = _in_force(changes, name, scope, at) if scope else None
    if own is not None and own.value is not None:
        return Resolved(rule, rule.parse(own.value), own.value, own, False)
    national = _in_force(changes, name, NATIONAL, at)
    text = national.value if national is not None and national.value is not None else rule.default
    return Resolved(rule, rule.parse(text), text, national if not scope else None, True)


def limit(name: str, region_code: str | None = None, at: dt.datetime | dt.date | None = None) -> Rule:
    """A time limit as the workdays counting takes it, in force for `region_code` at `at`."""
    found = resolve(name, region_code, at)
    if found.definition.kind is not Kind.DAYS:
        raise UnknownRule(name)
    return Rule(found.value, found.definition.unit, found.definition.basis)


def value(name: str, region_code: str | None = None, at: dt.datetime | dt.date | None = None) -> Any:
    """The typed value (int, Decimal or bool) of a rule in force for `region_code` at `at`."""
    return resolve(name, region_code, at).value


def rate(name: str, region_code: str | None = None, at: dt.datetime | dt.date | None = None) -> Decimal:
    """A rule in per cent as a share (5 → 0.05)."""
    return value(name, region_code, at) / Decimal(100)


def national_admin(user: User) -> bool:
    """An active administrator whose jurisdiction is the whole country."""
    return user.active and user.role is Role.ADMIN and regions.get(user.region_code).level is RegionLevel.COUNTRY


def editable_scope(user: User) -> str | None:
    """The scope an account may change: national for national administrators, the province for a
    province's administrators, none for anyone else."""
    if not (user.active and user.role is Role.ADMIN):
        return None
    region = regions.get(user.region_code)
    if region.level is RegionLevel.COUNTRY:
        return NATIONAL
    return region.scope_prefix if region.level is RegionLevel.PROVINCE else None


def change(actor: User | str, name: str, scope: str, text: str | None, reason: str,
           now: dt.datetime | None = None) -> RuleChange:
    """Set rule `name` in `scope` from now on (None: the province follows the national value again);
    refused outside the actor's scope, outside the bounds, or without a reason. `actor` is an account
    or SYSTEM (the command line, national only)."""
    rule = definition(name)
    label = SYSTEM if actor == SYSTEM else f"user:{actor.id}"
    if actor != SYSTEM and editable_scope(actor) != scope:
        raise RulesNotYours(name)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(name)
    before = resolve(name, scope + "0000" if scope else None, now)
    if text is None:
        if scope == NATIONAL or before.national:
            raise NothingToReset(name)
        stored = None
    else:
        try:
            stored = rule.store(rule.parse(text))
        except ValueError as exc:
            raise ValueOutOfBounds(name) from exc
    row = RuleChange(name=name, scope=scope, value=stored, effective_from=now or clock.now(), actor=label,
                     reason=reason)
    db.session.add(row)
    db.session.flush()
    _forget()
    audit.record(label, "rules.changed", "rule", f"{scope or 'national'}:{name}", at=row.effective_from,
                 before={"value": before.text, "national": before.national},
                 after={"value": stored if stored is not None else "national"}, reason=reason)
    return row


@dataclass(frozen=True)
class Entry:
    """One change in a rule's history, with the value it replaced."""

    change: Stored
    old: str | None
    new: str | None


def history(name: str, scope: str) -> list[Entry]:
    """The changes of a rule in one scope, newest first, each with the value before it (None: national)."""
    definition(name)
    rows = [change for change in _changes() if change.name == name and change.scope == scope]
    entries, previous = [], None
    for row in rows:
        entries.append(Entry(row, previous, row.value))
        previous = row.value
    return list(reversed(entries))


def table(scope: str) -> list[Resolved]:
    """Every rule as it stands now in a scope."""
    region = scope + "0000" if scope else None
    return [resolve(rule.name, region) for rule in DEFINITIONS]


def seed(now: dt.datetime | None = None) -> list[str]:
    """Write the national row of every rule that has none (as the system, in force for every record
    since 2000); returns the names written. Works in production, with no demo data."""
    known = {change.name for change in _changes() if change.scope == NATIONAL}
    written = []
    for rule in DEFINITIONS:
        if rule.name not in known:
            db.session.add(RuleChange(name=rule.name, scope=NATIONAL, value=rule.default, effective_from=SEEDED_FROM,
                                      actor=SYSTEM, reason="national default"))
            written.append(rule.name)
    db.session.flush()
    _forget()
    if written:
        audit.record(SYSTEM, "rules.seeded", "rule", "national", at=now, after={"names": written})
    return written
