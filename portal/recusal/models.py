"""A declaration of a direct interest in a record (回避): by the person who must step aside, or
recorded by a colleague and confirmed by a second person."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, intpk

if TYPE_CHECKING:
    from portal.accounts.models import User


class Declaration(Base):
    """One person stepping aside from one record (object type "complaint", "disclosure",
    "blacklist_entry" or "identity_request"), for good. Their own declaration holds at once; one a
    colleague records holds only once someone else — neither the colleague nor the person — confirms it."""

    __tablename__ = "recusals"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "user_id"),
        CheckConstraint("recorded_by_id = user_id OR confirmed_at IS NULL OR confirmed_by_id IS NOT NULL",
                        name="second_person"),
        CheckConstraint("confirmed_by_id IS NULL OR (confirmed_by_id <> recorded_by_id AND confirmed_by_id <> user_id)",
                        name="confirmer_is_a_third"),
    )

    id: Mapped[intpk]
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer, index=True)
    label: Mapped[str] = mapped_column(String(40))  # the record's number (a case number), for the office's list
    # The record's region, so the office sees the declarations of its jurisdiction.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: waiting for a second person

    user: Mapped["User"] = relationship(lazy="raise", foreign_keys=[user_id])
    recorded_by: Mapped["User"] = relationship(lazy="raise", foreign_keys=[recorded_by_id])
    confirmed_by: Mapped["User | None"] = relationship(lazy="raise", foreign_keys=[confirmed_by_id])

    @property
    def in_force(self) -> bool:
        return self.confirmed_at is not None
