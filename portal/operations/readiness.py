"""Readiness (`/readyz`): can this worker serve the portal now? Each dependency is reported on its
own — the database, the schema revision, the rate-limit storage, the keys against the stored data,
the mail waiting in this process — and the answer is 503 when one the portal cannot work without
fails. Liveness stays with `/healthz`. Nothing personal is reported: states and counts only."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal import ratelimits
from portal.config import PROJECT_ROOT
from portal.extensions import db, limiter
from portal.notifications import mail, outbox
from portal.operations import keychecks


@dataclass
class Check:
    ok: bool
    required: bool = True  # a failing check that is not required leaves the portal ready, degraded
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"ok": self.ok, **({} if self.required else {"required": False}), **self.details}


@cache
def schema_heads() -> tuple[str, ...]:
    """The migration heads this code expects (read once per process): the revisions no other
    revision names as its `down_revision`. Read from the migration files' two assignments, without
    Alembic, which a web worker does not otherwise load (`create_app(serving=True)`)."""
    revisions, parents = set(), set()
    for path in (PROJECT_ROOT / "migrations" / "versions").glob("*.py"):
        values = {target.id: ast.literal_eval(node.value) for node in ast.parse(path.read_text("utf-8")).body
                  if isinstance(node, ast.Assign) for target in node.targets
                  if isinstance(target, ast.Name) and target.id in ("revision", "down_revision")}
        revisions.add(values["revision"])
        down = values.get("down_revision")
        parents.update(down if isinstance(down, (tuple, list)) else [down] if down else [])
    return tuple(sorted(revisions - parents))


def check_database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return Check(False, details={"error": type(getattr(exc, "orig", None) or exc).__name__})
    return Check(True)


def check_schema() -> Check:
    try:
        current = tuple(sorted(db.session.scalars(text("SELECT version_num FROM alembic_version"))))
    except SQLAlchemyError:
        db.session.rollback()
        current = ()
    expected = schema_heads()
    return Check(current == expected, details={"revision": list(current), "expected": list(expected)})


def check_rate_limit_storage() -> Check:
    storage = ratelimits.shared_storage(limiter)
    if storage is None:
        return Check(True, required=False, details={"storage": "memory"})
    refusing = current_app.config["RATELIMIT_ON_STORAGE_ERROR"] == "refuse"
    reachable = storage.reachable()
    state = "ok" if reachable else ("refusing limited requests" if refusing else "counting per process")
    return Check(reachable, required=refusing, details={"storage": "redis", "state": state})


def check_keys() -> Check:
    try:
        statuses = keychecks.check()
    except SQLAlchemyError:
        db.session.rollback()
        return Check(False, details={"error": "database"})
    return Check(all(status.good for status in statuses),
                 details={status.name: {"state": status.state, "sample": status.sample} for status in statuses})


def check_mail() -> Check:
    if not mail.enabled():
        return Check(True, required=False, details={"enabled": False})
    held = outbox.backlog()
    return Check(True, required=False, details={"enabled": True, "waiting": held.waiting, "failed": held.failed,
                                                "oldest_waiting_seconds": held.oldest_waiting_seconds})


def report() -> tuple[bool, dict]:
    """Whether the portal is ready, and the report of every check."""
    database = check_database()
    checks = {"database": database}
    if database.ok:
        checks |= {"schema": check_schema(), "keys": check_keys()}
    checks |= {"rate_limits": check_rate_limit_storage(), "mail": check_mail()}
    ready = all(check.ok for check in checks.values() if check.required)
    return ready, {"status": "ready" if ready else "not ready",
                   "checks": {name: check.as_dict() for name, check in checks.items()}}
