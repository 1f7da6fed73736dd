"""Calendar days and months of database columns, in the portal's timezone, as SQL both SQLite and
PostgreSQL run: for counting by day or month in the database (statistics, the transparency page)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, func

from portal import clock
from portal.extensions import db


def dialect() -> str:
    """The name of the session's database (postgresql or sqlite)."""
    return db.session.get_bind().dialect.name


def offset_hours() -> int:
    """The portal timezone's offset from UTC now, in whole hours (Asia/Shanghai: 8, no DST)."""
    return int(clock.now().astimezone(clock.zone()).utcoffset().total_seconds() // 3600)


def local_day(moment: ColumnElement) -> ColumnElement:
    """The calendar day (as a date or 'YYYY-MM-DD' text) of a UTC timestamp column, locally."""
    if dialect() == "postgresql":
        return func.date(func.timezone(clock.zone().key, moment))
    return func.date(moment, f"{offset_hours():+d} hours")


def month_of_date(day: ColumnElement) -> ColumnElement:
    """A date column's month as 'YYYY-MM'."""
    if dialect() == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def month_of_moment(moment: ColumnElement) -> ColumnElement:
    """The month ('YYYY-MM') a UTC timestamp column falls in, in the portal's timezone."""
    if dialect() == "postgresql":
        return func.to_char(func.timezone(clock.zone().key, moment), "YYYY-MM")
    return func.strftime("%Y-%m", moment, f"{offset_hours():+d} hours")
