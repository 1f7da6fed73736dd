"""Keeping the registry: institutions created and edited by registry officers (every version kept,
nothing deleted), closures, annual inspections per year, and licences about to expire."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.errors import Conflict, Invalid, NotAllowed, NotFound
from portal.extensions import db
from portal.institutions import contact
from portal.institutions.models import (
    AnnualInspection,
    InspectionRecord,
    Institution,
    LicenceStatus,
    RegistrationType,
    names_indexed_together,
)
from portal.institutions.service import code_range
from portal.regions import service as regions
from portal.registry import facts as facts_
from portal.registry.facts import Facts
from portal.registry.models import InstitutionVersion, Source
from portal.security import audit

EXPIRY_NOTICE_DAYS = 30  # the inbox lists licences whose last day falls within this many days
STAFF_ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)


class InstitutionNotFound(NotFound):
    """No institution with that id inside the officer's jurisdiction."""


class NotRegistryOfficer(NotAllowed):
    """Only a registry officer of the jurisdiction changes the registry."""


class Stale(Conflict):
    """The institution changed since the form was opened."""


class Duplicate(Invalid):
    """Another institution already has this USCC or licence number (`field`, `other_id`)."""

    def __init__(self, field: str, other_id: int) -> None:
        super().__init__(field, other_id)
        self.field = field
        self.other_id = other_id


class OutsideJurisdiction(Invalid):
    """A place (the registration or a premises) lies outside the officer's jurisdiction."""


def actor(user: User | None) -> str:
    return f"user:{user.id}" if user is not None else "cli"


def check_officer(user: User) -> None:
    """Refuse anyone who is not an active registry officer."""
    if not (user.active and user.registry_officer and user.role in STAFF_ROLES):
        raise NotRegistryOfficer(user.id)


def get(user: User, institution_id: int) -> Institution:
    """One institution of the user's jurisdiction, premises loaded; 404 for anyone else's."""
    institution = db.session.scalar(select(Institution).options(
        selectinload(Institution.premises), selectinload(Institution.region))
        .where(Institution.id == institution_id)) if 0 < institution_id < 2**31 else None
    if institution is None or not accounts.covers(user, institution.region_code):
        raise InstitutionNotFound(institution_id)
    return institution


def _check_places(user: User | None, facts: Facts) -> None:
    for code in (facts.region_code, *(code for code, _address in facts.premises)):
        if user is not None and not accounts.covers(user, code):
            raise OutsideJurisdiction(code)


def _check_unique(facts: Facts, own_id: int | None) -> None:
    for field, column, value in (("uscc", Institution.uscc, facts.uscc),
                                 ("licence_number", Institution.licence_number, facts.licence_number)):
        if not value:
            continue
        other = db.session.scalar(select(Institution.id).where(column == value))
        if other is not None and other != own_id:
            raise Duplicate(field, other)


def taken(all_facts: list[Facts]) -> set[int]:
    """Which of these (by position) carry a USCC or licence number some institution already has."""
    found: set[str] = set()
    for column, values in ((Institution.uscc, {f.uscc for f in all_facts if f.uscc}),
                           (Institution.licence_number, {f.licence_number for f in all_facts if f.licence_number})):
        wanted = sorted(values)
        for start in range(0, len(wanted), 500):
            found.update(db.session.scalars(select(column).where(column.in_(wanted[start:start + 500]))))
    return {n for n, f in enumerate(all_facts) if (f.uscc and f.uscc in found) or
            (f.licence_number and f.licence_number in found)}


def _keep_version(institution: Institution, facts: Facts, source: Source, user: User | None, reason: str) -> None:
    db.session.add(InstitutionVersion(institution_id=institution.id, version=institution.version,
                                      facts=facts.dumps(), source=source, reason=reason,
                                      changed_by_id=user.id if user else None))


def _keep_earlier(institution: Institution, old: Facts) -> None:
    """An institution registered before versions were kept gets its facts as they were, first."""
    if db.session.scalar(select(InstitutionVersion.id).where(InstitutionVersion.institution_id == institution.id)
                         .limit(1)) is None:
        _keep_version(institution, old, Source.EARLIER, None, "")


def create(user: User | None, facts: Facts, source: Source = Source.STAFF, reason: str = "") -> Institution:
    """A new institution (an officer's, an import's or the command line's: `user` None)."""
    if user is not None:
        check_officer(user)
    _check_places(user, facts)
    _check_unique(facts, None)
    institution = Institution(version=1)
    facts_.write(institution, facts)
    db.session.add(institution)
    db.session.flush()
    _keep_version(institution, facts, source, user, reason)
    audit.record(actor(user), "institution.created", "institution", institution.id,
                 after=contact.audited(facts.to_json()), reason=reason or source.value)
    return institution


def create_many(user: User | None, all_facts: list[Facts], source: Source, reason: str) -> list[Institution]:
    """New institutions in bulk (an import): the checks of `create` for each, the writes flushed together."""
    if user is not None:
        check_officer(user)
    for facts in all_facts:
        _check_places(user, facts)
    created = []
    for facts in all_facts:
        institution = Institution(version=1)
        facts_.write(institution, facts)
        created.append(institution)
    db.session.add_all(created)
    with names_indexed_together(db.session.connection()):
        db.session.flush()
    for institution, facts in zip(created, all_facts, strict=True):
        _keep_version(institution, facts, source, user, reason)
        audit.record(actor(user), "institution.created", "institution", institution.id,
                     after=contact.audited(facts.to_json()), reason=reason, flush=False)
    db.session.flush()
    return created


def update(user: User | None, institution: Institution, facts: Facts, expected_version: int | None,
           source: Source = Source.STAFF, reason: str = "") -> dict[str, tuple[object, object]]:
    """Change an institution to `facts`, keeping the earlier version; a renamed institution keeps
    its old name among its former names. Returns the fields that changed (none: nothing written)."""
    if user is not None:
        check_officer(user)
    if expected_version is not None and expected_version != institution.version:
        raise Stale(institution.id)
    _check_places(user, facts)
    _check_unique(facts, institution.id)
    old = facts_.of(institution)
    if facts.name != old.name and old.name not in facts.former_names.splitlines():
        facts = facts.replace(former_names="\n".join([old.name, *facts.former_names.splitlines()]).strip())
    changed = facts_.changes(old, facts)
    if not changed:
        return {}
    _keep_earlier(institution, old)
    facts_.write(institution, facts)
    institution.version += 1
    db.session.flush()
    _keep_version(institution, facts, source, user, reason)
    audit.record(actor(user), "institution.changed", "institution", institution.id,
                 before=contact.audited({name: pair[0] for name, pair in changed.items()}),
                 after=contact.audited({name: pair[1] for name, pair in changed.items()}), reason=reason)
    return changed


def close(user: User, institution: Institution, closed_on: dt.date, reason: str, expected_version: int) -> None:
    """Record that the institution closed (注销, 终止办学): kept in the registry, never deleted."""
    check_officer(user)
    if expected_version != institution.version or institution.closed_on is not None:
        raise Stale(institution.id)
    _keep_earlier(institution, facts_.of(institution))
    institution.closed_on = closed_on
    institution.closure_reason = reason
    institution.version += 1
    db.session.flush()
    _keep_version(institution, facts_.of(institution), Source.STAFF, user, reason)
    audit.record(actor(user), "institution.closed", "institution", institution.id,
                 after={"closed_on": closed_on.isoformat()}, reason=reason)


def record_inspection(user: User | None, institution: Institution, year: int, result: AnnualInspection,
                      inspected_on: dt.date | None, notes: str) -> InspectionRecord:
    """Enter (or correct) one year's annual inspection; the latest year's result feeds the whitelist."""
    if user is not None:
        check_officer(user)
    record = db.session.scalar(select(InspectionRecord).where(InspectionRecord.institution_id == institution.id,
                                                              InspectionRecord.year == year))
    before = {"result": record.result.value, "inspected_on": record.inspected_on.isoformat()
              if record.inspected_on else None, "notes": record.notes} if record else {}
    if record is None:
        record = InspectionRecord(institution_id=institution.id, year=year)
        db.session.add(record)
    record.result, record.inspected_on, record.notes = result, inspected_on, notes
    record.recorded_by_id = user.id if user else None
    db.session.flush()
    latest = db.session.scalar(select(InspectionRecord).where(InspectionRecord.institution_id == institution.id)
                               .order_by(InspectionRecord.year.desc()).limit(1))
    institution.annual_inspection = latest.result
    institution.annual_inspection_year = None if latest.result is AnnualInspection.NOT_INSPECTED else latest.year
    audit.record(actor(user), "institution.inspection_recorded", "institution", institution.id, before=before,
                 after={"year": year, "result": result.value,
                        "inspected_on": inspected_on.isoformat() if inspected_on else None, "notes": notes})
    return record


def inspections(institution: Institution) -> list[InspectionRecord]:
    return list(db.session.scalars(select(InspectionRecord).where(InspectionRecord.institution_id == institution.id)
                                   .order_by(InspectionRecord.year.desc())))


def history(institution: Institution) -> list[tuple[InstitutionVersion, dict[str, tuple[object, object]]]]:
    """Every version, newest first, each with what it changed from the one before."""
    versions = list(db.session.scalars(select(InstitutionVersion).options(selectinload(InstitutionVersion.changed_by))
                                       .where(InstitutionVersion.institution_id == institution.id)
                                       .order_by(InstitutionVersion.version)))
    out, previous = [], None
    for version in versions:
        current = Facts.from_json(json.loads(version.facts))
        out.append((version, facts_.changes(previous, current)))
        previous = current
    return out[::-1]


def expiring(user: User, today: dt.date | None = None, days: int = EXPIRY_NOTICE_DAYS) -> list[Institution]:
    """Open institutions of the jurisdiction whose valid licence ends within `days` days (today included)."""
    today = today or clock.today()
    prefix = regions.get(user.region_code).scope_prefix
    return list(db.session.scalars(
        select(Institution).where(code_range(Institution.region_code, prefix, 6),
                                  Institution.licence_status == LicenceStatus.VALID,
                                  Institution.closed_on.is_(None),
                                  Institution.licence_valid_until.between(today, today + dt.timedelta(days=days)))
        .order_by(Institution.licence_valid_until, Institution.id).limit(200)))


def known_operator(name: str, region_code: str, uscc: str | None, address: str, kind, reason: str) -> Institution:
    """The registry's institution for an operator another record names (a blacklist entry): the
    one with this USCC, or this exact name in this county, else a new unlicensed one, so a parent
    searching for the name finds it and its standing."""
    found = None
    if uscc:
        found = db.session.scalar(select(Institution).where(Institution.uscc == uscc))
    if found is None:
        found = db.session.scalar(select(Institution).where(Institution.name == name,
                                                            Institution.region_code == region_code).limit(1))
    if found is not None:
        return found
    facts = Facts(name=name, region_code=region_code, kind=kind, uscc=uscc, address=address,
                  registration_type=RegistrationType.BUSINESS if uscc else RegistrationType.NONE)
    institution = Institution(version=1)
    facts_.write(institution, facts)
    db.session.add(institution)
    db.session.flush()
    _keep_version(institution, facts, Source.KNOWN_OPERATOR, None, reason)
    audit.record("system", "institution.created", "institution", institution.id,
                 after=contact.audited(facts.to_json()), reason=reason)
    return institution
