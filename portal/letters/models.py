"""A written notice to be posted to a reporter who chose letters, and its posting."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Complaint
from portal.db import Base, UTCDateTime, created_at, intpk
from portal.notices.models import Notice


class Letter(Base):
    """One notice in the print queue of the office that issued it, until it is posted."""

    __tablename__ = "letters"

    id: Mapped[intpk]
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), unique=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the issuing office
    created_at: Mapped[created_at]
    posted_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    registered_number: Mapped[str | None] = mapped_column(String(13))  # 挂号信 number (UPU S10)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[Notice] = relationship(lazy="raise")
    complaint: Mapped[Complaint] = relationship(lazy="raise")
