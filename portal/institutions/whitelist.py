"""The whitelist (白名单): which institutions a parent may consider safe to pay, and why not.

An institution is on the whitelist when all five conditions hold (DOMAIN.md):

1. licensed: it holds a valid school-running licence (办学许可证);
2. registered: it has a business or civil-affairs registration (营业执照 / 民办非企业单位登记);
3. annual inspection: its last annual inspection (年检) was passed;
4. on the national platform: it is registered on the national supervision platform;
5. no unrectified violation: no blacklist entry for it is in force (listed, rectifying, or
   removal requested: `blacklist.models.ACTIVE_STATES`), and no penalty decision against it is
   published and within its publication period today (a withdrawn decision does not count;
   credit repair that ended publication early ends it here too).

Entries and decisions count when they are linked to the institution or carry its USCC: the
same legal person is the same operator whether or not staff linked the record.

Each condition is defined once, as a SQL expression over `institutions` (the "whitelisted
only" filter runs in the database, so lists paginate correctly), and the page's verdict is the
same expressions evaluated for one row, so the two can never disagree. `Verdict` turns the
unmet ones into reasons a parent can read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, exists, or_, select

from portal.blacklist.models import ACTIVE_STATES, BlacklistEntry
from portal.disclosures.models import Disclosure, DisclosureState
from portal.disclosures.queries import visible
from portal.extensions import db
from portal.i18n import LabelledEnum, _l
from portal.institutions.models import AnnualInspection, Institution, LicenceStatus, RegistrationType


class Condition(LabelledEnum):
    """The five conditions; the label is what is missing when one is not met."""
    LICENSED = "licensed", _l("No valid school-running licence")
    REGISTERED = "registered", _l("No business or civil-affairs registration")
    INSPECTED = "inspected", _l("No passed annual inspection on record")
    ON_PLATFORM = "on_platform", _l("Not registered on the national supervision platform")
    NO_VIOLATION = "no_violation", _l("An unrectified violation is on record")


def _same_operator(column_id, column_uscc) -> ColumnElement[bool]:
    """A record about this institution: linked to it, or carrying its USCC."""
    return or_(column_id == Institution.id,
               and_(Institution.uscc.is_not(None), column_uscc == Institution.uscc))


def blacklisted() -> ColumnElement[bool]:
    """A blacklist entry in force names this institution."""
    return exists().where(BlacklistEntry.state.in_(ACTIVE_STATES),
                          _same_operator(BlacklistEntry.institution_id, BlacklistEntry.uscc))


def penalised(today: dt.date) -> ColumnElement[bool]:
    """A penalty decision against this institution is published and in its period today."""
    return exists().where(Disclosure.state == DisclosureState.PUBLISHED, visible(today),
                          _same_operator(Disclosure.institution_id, Disclosure.uscc))


def met(condition: Condition, today: dt.date) -> ColumnElement[bool]:
    """The SQL test that `condition` holds for the row of `institutions` being read."""
    if condition is Condition.LICENSED:
        return Institution.licence_status == LicenceStatus.VALID
    if condition is Condition.REGISTERED:
        return Institution.registration_type != RegistrationType.NONE
    if condition is Condition.INSPECTED:
        return Institution.annual_inspection == AnnualInspection.PASSED
    if condition is Condition.ON_PLATFORM:
        return Institution.on_national_platform.is_(True)
    return ~or_(blacklisted(), penalised(today))


def whitelisted(today: dt.date) -> ColumnElement[bool]:
    """All five conditions: the "whitelisted only" filter and each list row's badge."""
    return and_(*(met(condition, today) for condition in Condition))


@dataclass(frozen=True)
class Verdict:
    """One institution's standing: the unmet conditions, and the facts behind the fifth."""

    unmet: list[Condition] = field(default_factory=list)
    blacklisted: bool = False
    penalised: bool = False

    @property
    def whitelisted(self) -> bool:
        return not self.unmet


def verdict(institution_id: int, today: dt.date) -> Verdict:
    """Evaluate every condition for one institution in one query."""
    columns = [met(condition, today).label(condition.value) for condition in Condition]
    columns += [blacklisted().label("blacklisted"), penalised(today).label("penalised")]
    row = db.session.execute(select(*columns).where(Institution.id == institution_id)).one()
    facts = row._mapping
    unmet = [condition for condition in Condition if not facts[condition.value]]
    return Verdict(unmet=unmet, blacklisted=bool(facts["blacklisted"]), penalised=bool(facts["penalised"]))
