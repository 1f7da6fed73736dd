"""A declaration of a direct interest in a record (回避), by the person who must step aside."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, intpk

if TYPE_CHECKING:
    from portal.accounts.models import User


class Declaration(Base):
    """One person stepping aside from one record (a case: object type "complaint"), for good."""

    __tablename__ = "recusals"
    __table_args__ = (UniqueConstraint("object_type", "object_id", "user_id"),)

    id: Mapped[intpk]
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer, index=True)
    label: Mapped[str] = mapped_column(String(40))  # the record's number (a case number), for the office's list
    # The record's region, so the office sees the declarations of its jurisdiction.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship(lazy="raise")
