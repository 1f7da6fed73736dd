"""A checked file on its way into the registry: kept as previewed, submitted by one registry officer,
applied (or refused) by another of the jurisdiction; the command line loads a first registry alone."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts import service as accounts
from portal.accounts.models import User
from portal.clock import utcnow
from portal.errors import Conflict, NotAllowed, NotFound
from portal.extensions import db
from portal.institutions.models import Institution
from portal.regions import service as regions
from portal.registry import service
from portal.registry.facts import Facts
from portal.registry.importing import Plan, PlannedRow
from portal.registry.models import ImportState, RegistryImport, Source
from portal.security import audit


class ImportNotFound(NotFound):
    """No such import in the officer's jurisdiction."""


class OwnImport(NotAllowed):
    """The officer who submitted an import may not apply or refuse it: a second officer does."""


class NotWaiting(Conflict):
    """The import was already decided, or is not submitted."""


def save_draft(officer: User, filename: str, content: bytes, plan: Plan) -> RegistryImport:
    """Keep a file that passed every check, as previewed, for its officer to submit."""
    service.check_officer(officer)
    record = RegistryImport(region_code=officer.region_code, filename=filename[:200],
                            sha256=hashlib.sha256(content).hexdigest(),
                            rows=json.dumps([asdict(row) for row in plan.rows], ensure_ascii=False),
                            summary=json.dumps(plan.summary), submitted_by_id=officer.id)
    db.session.add(record)
    db.session.flush()
    return record


def rows(record: RegistryImport) -> list[PlannedRow]:
    return [PlannedRow(**row) for row in json.loads(record.rows)]


def summary(record: RegistryImport) -> dict[str, int]:
    return json.loads(record.summary)


def get(user: User, import_id: int) -> RegistryImport:
    """One import of the user's jurisdiction (its submitter's), 404 otherwise."""
    record = db.session.scalar(select(RegistryImport).options(
        selectinload(RegistryImport.submitted_by), selectinload(RegistryImport.decided_by))
        .where(RegistryImport.id == import_id)) if 0 < import_id < 2**31 else None
    if record is None or not accounts.covers(user, record.region_code):
        raise ImportNotFound(import_id)
    return record


def listed(user: User, limit: int = 50) -> list[RegistryImport]:
    """The jurisdiction's imports, waiting ones first, then the newest."""
    prefix = regions.get(user.region_code).scope_prefix
    waiting = RegistryImport.state == ImportState.WAITING
    return list(db.session.scalars(
        select(RegistryImport).options(selectinload(RegistryImport.submitted_by))
        .where(RegistryImport.region_code.startswith(prefix), RegistryImport.state != ImportState.DRAFT)
        .order_by(waiting.desc(), RegistryImport.id.desc()).limit(limit)))


def submit(officer: User, record: RegistryImport) -> None:
    """The officer who checked the file asks a second officer to apply it."""
    service.check_officer(officer)
    if record.state is not ImportState.DRAFT or record.submitted_by_id != officer.id:
        raise NotWaiting(record.id)
    record.state = ImportState.WAITING
    audit.record(service.actor(officer), "registry_import.submitted", "registry_import", record.id,
                 after={"file_sha256": record.sha256, **summary(record)})


def withdraw(officer: User, record: RegistryImport) -> None:
    """The submitter takes back a draft or a waiting import."""
    if record.submitted_by_id != officer.id or record.state not in (ImportState.DRAFT, ImportState.WAITING):
        raise NotWaiting(record.id)
    record.state = ImportState.WITHDRAWN
    audit.record(service.actor(officer), "registry_import.withdrawn", "registry_import", record.id)


def _decider(officer: User, record: RegistryImport) -> None:
    service.check_officer(officer)
    if record.submitted_by_id == officer.id:
        raise OwnImport(record.id)
    if record.state is not ImportState.WAITING:
        raise NotWaiting(record.id)


def refuse(officer: User, record: RegistryImport, reason: str) -> None:
    """A second officer refuses the import, with the reason; nothing is applied."""
    _decider(officer, record)
    record.state, record.decided_by_id, record.decided_at = ImportState.REFUSED, officer.id, utcnow()
    record.decision_reason = reason
    audit.record(service.actor(officer), "registry_import.refused", "registry_import", record.id, reason=reason)


def apply_rows(user: User | None, planned: list[PlannedRow], reason: str) -> dict[str, int]:
    """Apply planned rows: new institutions (unless one with the same USCC or licence number appeared
    since the preview), and changes to institutions still at the version previewed; counts of
    created, changed, unchanged and skipped rows."""
    counts = {"created": 0, "changed": 0, "unchanged": 0, "skipped": 0}
    source = Source.IMPORT if user else Source.COMMAND
    usable = [row for row in planned if not row.problems and row.facts is not None]
    counts["skipped"] += len(planned) - len(usable)
    new = [Facts.from_json(row.facts) for row in usable if row.action == "new"]
    clash = service.taken(new)
    fresh = [facts for n, facts in enumerate(new) if n not in clash]
    counts["skipped"] += len(clash)  # they appeared since the preview
    service.create_many(user, fresh, source, reason)
    counts["created"] += len(fresh)
    counts["unchanged"] += sum(1 for row in usable if row.action == "unchanged")
    changed = [row for row in usable if row.action == "changed"]
    ids = [row.institution_id for row in changed]
    current: dict[int, Institution] = {}
    for start in range(0, len(ids), 500):
        current.update((i.id, i) for i in db.session.scalars(
            select(Institution).options(selectinload(Institution.premises))
            .where(Institution.id.in_(ids[start:start + 500])).with_for_update()))
    for row in changed:
        institution = current.get(row.institution_id)
        if institution is None or institution.version != row.version:
            counts["skipped"] += 1  # changed since the preview: the second officer sees it in the counts
            continue
        try:
            service.update(user, institution, Facts.from_json(row.facts), row.version, source, reason)
        except (service.Duplicate, service.Stale):
            counts["skipped"] += 1
        else:
            counts["changed"] += 1
    return counts


def approve(officer: User, record: RegistryImport) -> dict[str, int]:
    """A second registry officer of the jurisdiction applies the import as it was previewed."""
    _decider(officer, record)
    counts = apply_rows(officer, rows(record), f"import:{record.id}")
    record.state, record.decided_by_id, record.decided_at = ImportState.APPLIED, officer.id, utcnow()
    record.summary = json.dumps({**summary(record), "applied": counts})
    audit.record(service.actor(officer), "registry_import.applied", "registry_import", record.id,
                 after={"file_sha256": record.sha256, **counts})
    return counts
