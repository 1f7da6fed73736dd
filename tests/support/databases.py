"""Databases for tests: the shared test database, and throw-away ones for migrations and browsers."""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def is_postgresql(url: str) -> bool:
    return url.startswith("postgresql")


@contextlib.contextmanager
def isolated_database(base_url: str, name: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database for one purpose: a SQLite file, or a PostgreSQL schema.

    PostgreSQL tests share one database, so each purpose gets its own schema through
    `search_path`; it is dropped afterwards.
    """
    if not is_postgresql(base_url):
        path = folder / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    schema = re.sub(r"\W", "_", name).lower()
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
