"""Days that differ from the plain week: holidays off, and weekends worked instead."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, created_at, value_enum
from portal.i18n import LabelledEnum, _l


class DayKind(LabelledEnum):
    HOLIDAY = "holiday", _l("Public holiday (day off)")
    WORKDAY = "workday", _l("Adjusted working day")


class CalendarYear(Base):
    """A year whose official schedule has been entered; other years are counted provisionally."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[created_at]


class CalendarDay(Base):
    """One exception to the Monday–Friday week."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[DayKind] = mapped_column(value_enum(DayKind, 16))
    name: Mapped[str] = mapped_column(String(40), default="")
