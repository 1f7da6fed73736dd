"""Declarative base, naming convention, shared column types and transaction behaviour."""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Annotated, Any

from sqlalchemy import BigInteger, DateTime, Enum, Integer, MetaData, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time as an aware UTC datetime; used as a callable column default."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite stores them naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def value_enum(enum_class: type[enum.Enum], length: int = 32, name: str | None = None) -> Enum:
    """Store an enum by its value (not its name), as a plain string with a CHECK constraint;
    `name` names the constraint when one table has two columns of the same enum."""
    return Enum(
        enum_class,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        length=length,
        validate_strings=True,
        create_constraint=True,
        name=name or enum_class.__name__.lower(),
    )


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
bigintpk = Annotated[int, mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)]
created_at = Annotated[dt.datetime, mapped_column(UTCDateTime, default=utcnow, nullable=False)]
updated_at = Annotated[
    dt.datetime, mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
]
str20 = Annotated[str, mapped_column(String(20))]
str64 = Annotated[str, mapped_column(String(64))]
str200 = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    """Base of every model: shared naming convention and column types."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Requests that only read (GET, HEAD, OPTIONS) mark themselves so; everything else takes
# SQLite's write lock when its transaction begins, so two writers queue instead of deadlocking.
read_only_transactions: ContextVar[bool] = ContextVar("read_only_transactions", default=False)


def writes(view: Callable) -> Callable:
    """Mark a GET view that writes (a session's idle clock, say): its transaction takes the write
    lock at BEGIN like any POST's, instead of failing to upgrade a read under load."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        read_only_transactions.set(False)
        return view(*args, **kwargs)

    return wrapped


def configure_engine(engine: Engine) -> None:
    """Apply per-connection settings: SQLite WAL, foreign keys, FULL sync, BEGIN IMMEDIATE."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself instead of pysqlite's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = "DEFERRED" if read_only_transactions.get() else "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")
