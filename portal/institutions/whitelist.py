"""The whitelist (白名单): which institutions a parent may consider safe to pay, and why not.

An institution is on the whitelist when all five conditions hold (DOMAIN.md):

1. licensed: it holds a valid school-running licence (办学许可证), not past its last day of
   validity (it turns expired the day after, without anyone acting), and has not closed;
2. registered: it has a business or civil-affairs registration (营业执照 / 民办非企业单位登记);
3. annual inspection: its last annual inspection (年检) was passed;
4. on the national platform: it is registered on the national supervision platform;
5. no unrectified violation: no record that features register as a violation in force
   (`offerings.add_violation`): the blacklist adds its entries in force (listed, rectifying, or
   removal requested), disclosures add penalty decisions published and within their publication
   period today (a withdrawn decision does not count; credit repair that ended publication early
   ends it here too).

Entries and decisions count when they are linked to the institution or carry its USCC: the
same legal person is the same operator whether or not staff linked the record.

Each condition is defined once, as a SQL expression over `institutions` (the "whitelisted
only" filter runs in the database, so lists paginate correctly), and the page's verdict is the
same expressions evaluated for one row, so the two can never disagree. `Verdict` turns the
unmet ones into reasons a parent can read.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, false, literal, or_, select
from sqlalchemy.orm import with_expression
from sqlalchemy.sql.base import ExecutableOption

from portal.extensions import db
from portal.i18n import LabelledEnum, _l, _lp
from portal.institutions import offerings
from portal.institutions.models import AnnualInspection, Institution, LicenceStatus, RegistrationType, Standing


class Condition(LabelledEnum):
    """The five conditions; the label is what is missing when one is not met."""
    LICENSED = "licensed", _l("No valid school-running licence")
    REGISTERED = "registered", _l("No business or civil-affairs registration")
    INSPECTED = "inspected", _l("No passed annual inspection on record")
    ON_PLATFORM = "on_platform", _lp("whitelist condition", "Not registered on the national supervision platform")
    NO_VIOLATION = "no_violation", _l("An unrectified violation is on record")


def met(condition: Condition, today: dt.date) -> ColumnElement[bool]:
    """The SQL test that `condition` holds for the row of `institutions` being read."""
    if condition is Condition.LICENSED:
        return and_(Institution.licence_status == LicenceStatus.VALID, Institution.closed_on.is_(None),
                    or_(Institution.licence_valid_until.is_(None), Institution.licence_valid_until >= today))
    if condition is Condition.REGISTERED:
        return Institution.registration_type != RegistrationType.NONE
    if condition is Condition.INSPECTED:
        return Institution.annual_inspection == AnnualInspection.PASSED
    if condition is Condition.ON_PLATFORM:
        return Institution.on_national_platform.is_(True)
    return ~or_(false(), *(violation.clause(today) for violation in offerings.violations()))


def _built(name: str, today: dt.date, build: Callable[[], Any]) -> Any:
    """The expression `name` for `today`, built once per app and day: building the ladder below
    (each feature's violation clauses) costs more than the database takes to run it."""
    kept = current_app.extensions.setdefault("portal.whitelist_expressions", {})
    if (name, today) not in kept:
        if len(kept) > 8:
            kept.clear()  # yesterday's expressions
        kept[name, today] = build()
    return kept[name, today]


def loaded_standing(today: dt.date) -> tuple[ExecutableOption, ...]:
    """The loader options that fill `Institution.whitelisted` and `standing_value` on a list."""
    return _built("options", today, lambda: (with_expression(Institution.whitelisted, whitelisted(today)),
                                             with_expression(Institution.standing_value, standing(today))))


def whitelisted(today: dt.date) -> ColumnElement[bool]:
    """All five conditions: the "whitelisted only" filter and each list row's badge."""
    return _built("whitelisted", today, lambda: and_(*(met(condition, today) for condition in Condition)))


def _in_force(name: str, today: dt.date) -> ColumnElement[bool]:
    """Some feature's record of kind `name` ("blacklisted", "penalised") is in force for the row."""
    return or_(false(), *(v.clause(today) for v in offerings.violations() if v.name == name))


def standing(today: dt.date) -> ColumnElement[str]:
    """The gravest fact on record for the row of `institutions`, as a `Standing` value: the same
    ladder for every card and page, so a blacklisted institution never shows green."""
    return _built("standing", today, lambda: _standing(today))


def _standing(today: dt.date) -> ColumnElement[str]:
    expired = and_(Institution.licence_status == LicenceStatus.VALID,
                   Institution.licence_valid_until.is_not(None), Institution.licence_valid_until < today)
    ladder = [
        (_in_force("blacklisted", today), Standing.BLACKLISTED.value),
        (Institution.licence_status == LicenceStatus.REVOKED, Standing.REVOKED.value),
        (Institution.licence_status == LicenceStatus.NONE, Standing.UNLICENSED.value),
        (Institution.closed_on.is_not(None), Standing.CLOSED.value),
        (_in_force("penalised", today), Standing.PENALISED.value),
        (or_(Institution.licence_status == LicenceStatus.EXPIRED, expired), Standing.EXPIRED.value),
        (Institution.licence_status == LicenceStatus.SUSPENDED, Standing.SUSPENDED.value),
        (~met(Condition.ON_PLATFORM, today), Standing.NOT_ON_PLATFORM.value),
        (~met(Condition.INSPECTED, today), Standing.NOT_INSPECTED.value),
        (whitelisted(today), Standing.WHITELISTED.value),
    ]
    return case(*ladder, else_=literal(Standing.NOT_WHITELISTED.value))


@dataclass(frozen=True)
class Verdict:
    """One institution's standing: the unmet conditions, and the facts behind the fifth (which
    kinds of record in force, by the names features registered: "blacklisted", "penalised")."""

    unmet: list[Condition] = field(default_factory=list)
    violations: dict[str, bool] = field(default_factory=dict)
    standing: Standing = Standing.NOT_WHITELISTED

    def __getattr__(self, name: str) -> bool:
        """`verdict.blacklisted`: whether a record of that kind is in force (False if none is registered)."""
        if name.startswith("_"):
            raise AttributeError(name)
        return self.violations.get(name, False)

    @property
    def whitelisted(self) -> bool:
        return not self.unmet


def verdict(institution_id: int, today: dt.date) -> Verdict:
    """Evaluate every condition for one institution in one query."""
    kinds = offerings.violations()
    columns = [met(condition, today).label(condition.value) for condition in Condition]
    columns += [violation.clause(today).label(f"v_{violation.name}") for violation in kinds]
    columns.append(standing(today).label("standing"))
    facts = db.session.execute(select(*columns).where(Institution.id == institution_id)).one()._mapping
    unmet = [condition for condition in Condition if not facts[condition.value]]
    return Verdict(unmet=unmet, violations={kind.name: bool(facts[f"v_{kind.name}"]) for kind in kinds},
                   standing=Standing(facts["standing"]))
