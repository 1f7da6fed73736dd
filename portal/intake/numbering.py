"""Readable case numbers, `330106-20261122-0007`, unique under concurrent submissions."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite

from portal.casework.models import CaseCounter
from portal.extensions import db

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_case_number(region_code: str, day: dt.date) -> str:
    """Take the next number for a county and day in one atomic upsert.

    On PostgreSQL the upsert locks the counter row until the transaction ends, so concurrent
    submissions queue for it; on SQLite every write transaction already holds the write lock.
    """
    prefix = f"{region_code}-{day:%Y%m%d}"
    insert = INSERTS[db.session.get_bind().dialect.name]
    statement = (
        insert(CaseCounter)
        .values(prefix=prefix, last=1)
        .on_conflict_do_update(index_elements=[CaseCounter.prefix], set_={"last": CaseCounter.last + 1})
        .returning(CaseCounter.last)
    )
    number = db.session.execute(statement).scalar_one()
    return f"{prefix}-{number:04d}"
