"""A handler's request to extend a case's time limit, and the head of the office's decision."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Complaint
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l

if TYPE_CHECKING:
    from portal.accounts.models import User


class ExtensionState(LabelledEnum):
    PENDING = "pending", _l("Waiting for the head of the office")
    APPROVED = "approved", _l("Approved by the head of the office")
    REFUSED = "refused", _l("Refused by the head of the office")


class ExtensionRequest(Base):
    """Days asked for and why (the reason is told to the reporter once approved); who decided."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        CheckConstraint("days > 0", name="days"),
        CheckConstraint("decided_by_id IS NULL OR decided_by_id <> requested_by_id", name="four_eyes"),
    )

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    # The office handling the case when asked: its head decides.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[ExtensionState] = mapped_column(value_enum(ExtensionState, 16), default=ExtensionState.PENDING)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_by_label: Mapped[str] = mapped_column(String(100))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]

    complaint: Mapped[Complaint] = relationship(lazy="raise")
    decided_by: Mapped["User | None"] = relationship(lazy="raise", foreign_keys=[decided_by_id])
