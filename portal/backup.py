"""Consistent database backups and their restore: SQLite's online backup API, or pg_dump/pg_restore.

A backup is the dump plus a manifest beside it (`<dump>.manifest.json`): when, which database,
the dump's SHA-256, the schema revision, every table's row count and the fingerprints of the keys
the data depends on (never a key). The counts come from the same snapshot as the dump: on SQLite
they are read from the copy; on PostgreSQL the dump runs on a snapshot exported by the
transaction that counts (`pg_dump --snapshot`).

A restore goes into an empty database only, then checks the restored copy against the manifest.
SQLite: the copy is checked (`integrity_check`) beside the target, the target's leftover `-wal`
and `-shm` files are removed (a backup placed next to an old write-ahead log is read through it,
corrupted), and the copy is moved into place in one rename. PostgreSQL: `pg_restore` into a new,
empty database (or schema), in one transaction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url

MANIFEST_FORMAT = 1


class BackupFailed(RuntimeError):
    """The backup could not be written, or a restore was refused or failed."""


@dataclass(frozen=True)
class Backup:
    dump: Path
    manifest: Path


def backup_path(folder: Path, engine_name: str, now: dt.datetime) -> Path:
    suffix = "sqlite3" if engine_name == "sqlite" else "dump"
    return folder / f"portal-{now:%Y%m%d-%H%M%S}.{suffix}"


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".manifest.json")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe(connection: Connection) -> dict:
    """The schema revision and every table's row count, read on `connection`."""
    tables = sorted(inspect(connection).get_table_names())
    counts = {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in tables}
    revision = sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars()) \
        if "alembic_version" in tables else []
    return {"schema_revision": revision, "row_counts": counts}


def backup(database_url: str, folder: Path, now: dt.datetime, fingerprints: dict | None = None) -> Path:
    """Write a consistent copy of the database and its manifest into `folder`, readable only by its owner."""
    return write_backup(database_url, folder, now, fingerprints or {}).dump


def write_backup(database_url: str, folder: Path, now: dt.datetime, fingerprints: dict) -> Backup:
    url = make_url(database_url)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = backup_path(folder, url.get_backend_name(), now)
    if url.get_backend_name() == "sqlite":
        _backup_sqlite(url.database, target)
        described = _describe_url(f"sqlite:///{target}")
    else:
        described = _backup_postgresql(url, target)
    target.chmod(0o600)
    manifest = {"format": MANIFEST_FORMAT, "created_at": now.astimezone(dt.UTC).isoformat(),
                "database": url.get_backend_name(), "file": target.name, "sha256": sha256(target),
                **described, "key_fingerprints": fingerprints}
    path = manifest_path(target)
    _write_private(path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Backup(target, path)


def _write_private(path: Path, content: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)


def _describe_url(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return describe(connection)
    finally:
        engine.dispose()


def _backup_sqlite(source: str, target: Path) -> None:
    # The online backup API copies a consistent snapshot while the portal keeps running.
    live, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        live.backup(copy)
    finally:
        copy.close()
        live.close()


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupFailed(f"{name} is not installed (Debian: postgresql-client)")
    return path


def _libpq(url) -> tuple[str, list[str]]:
    """A libpq URL for the command-line tools, and the schema its search_path names, if any."""
    options = url.query.get("options", "")
    schemas = [part.split("=", 1)[1] for part in options.split() if part.startswith("-csearch_path=")]
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return plain, schemas


def _backup_postgresql(url, target: Path) -> dict:
    pg_dump = _pg_tool("pg_dump")
    plain, schemas = _libpq(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            described = describe(connection)
            command = [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target), plain]
            command += [f"--schema={schema}" for schema in schemas]
            result = subprocess.run(command, capture_output=True, text=True)
            connection.rollback()
    finally:
        engine.dispose()
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupFailed(result.stderr.strip())
    return described


def read_manifest(dump: Path) -> dict:
    """The manifest beside `dump`, after checking the dump is the one it describes."""
    path = manifest_path(dump)
    if not path.exists():
        raise BackupFailed(f"No manifest beside the backup ({path.name}): restore only a backup `flask backup` wrote")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupFailed(f"Unknown manifest format {manifest.get('format')!r}")
    if sha256(dump) != manifest["sha256"]:
        raise BackupFailed("The backup file does not match its manifest (SHA-256 differs): "
                           "it is damaged, or another file")
    return manifest


def restore(dump: Path, database_url: str) -> dict:
    """Restore `dump` into the empty database `database_url`; return the manifest, checked against it."""
    manifest = read_manifest(dump)
    url = make_url(database_url)
    if manifest["database"] != url.get_backend_name():
        raise BackupFailed(f"This is a {manifest['database']} backup; the configured database is "
                           f"{url.get_backend_name()}")
    if url.get_backend_name() == "sqlite":
        _restore_sqlite(dump, Path(url.database))
    else:
        _restore_postgresql(dump, url)
    restored = _describe_url(database_url)
    differences = [name for name in ("schema_revision", "row_counts") if restored[name] != manifest[name]]
    if differences:
        raise BackupFailed(f"The restored database differs from the manifest in: {', '.join(differences)}")
    return manifest


def _restore_sqlite(dump: Path, target: Path) -> None:
    if target.exists() and _describe_url(f"sqlite:///{target}")["row_counts"]:
        raise BackupFailed(f"{target} already holds tables: restore into an empty database (move it aside first)")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = target.with_name(target.name + ".restoring")
    staged.unlink(missing_ok=True)
    shutil.copyfile(dump, staged)
    staged.chmod(0o600)
    with sqlite3.connect(staged) as check:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        staged.unlink()
        raise BackupFailed(f"The backup fails SQLite's integrity check: {verdict}")
    for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)  # an old write-ahead log would be replayed over the backup
    os.replace(staged, target)


def _restore_postgresql(dump: Path, url) -> None:
    pg_restore = _pg_tool("pg_restore")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            existing = connection.execute(text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")).scalar_one()
    finally:
        engine.dispose()
    if existing:
        raise BackupFailed("The configured database already holds tables: create a new, empty database "
                           "(createdb) and point PORTAL_DATABASE_URL at it")
    plain, _schemas = _libpq(url)
    result = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                             "--dbname", plain, str(dump)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(result.stderr.strip())
