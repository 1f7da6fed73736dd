"""Consistent database backups: SQLite's online backup API, or pg_dump for PostgreSQL."""
from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFailed(RuntimeError):
    """The backup could not be written."""


def backup_path(folder: Path, engine_name: str, now: dt.datetime) -> Path:
    suffix = "sqlite3" if engine_name == "sqlite" else "dump"
    return folder / f"portal-{now:%Y%m%d-%H%M%S}.{suffix}"


def backup(database_url: str, folder: Path, now: dt.datetime) -> Path:
    """Write a consistent copy of the database into `folder`, readable only by its owner."""
    url = make_url(database_url)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = backup_path(folder, url.get_backend_name(), now)
    if url.get_backend_name() == "sqlite":
        _backup_sqlite(url.database, target)
    else:
        _backup_postgresql(url, target)
    target.chmod(0o600)
    return target


def _backup_sqlite(source: str, target: Path) -> None:
    # The online backup API copies a consistent snapshot while the portal keeps running.
    live, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        live.backup(copy)
    finally:
        copy.close()
        live.close()


def _backup_postgresql(url, target: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise BackupFailed("pg_dump is not installed (Debian: postgresql-client)")
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run(["pg_dump", "--format=custom", "--file", str(target), plain],
                            capture_output=True, text=True)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupFailed(result.stderr.strip())
