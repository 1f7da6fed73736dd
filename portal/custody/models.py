"""Requests to see a named reporter's identity, and the custodian's decisions."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Complaint
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp

if TYPE_CHECKING:
    from portal.accounts.models import User


class RequestState(LabelledEnum):
    PENDING = "pending", _l("Waiting for a custodian")
    APPROVED = "approved", _lp("identity request", "Approved")
    DENIED = "denied", _l("Denied")


class IdentityRequest(Base):
    """A handler's written request to see a named reporter's identity, and the custodian's
    decision; an approval lets that handler open the identity for 24 hours."""

    __tablename__ = "identity_requests"

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[RequestState] = mapped_column(value_enum(RequestState, 16), default=RequestState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]

    complaint: Mapped[Complaint] = relationship(lazy="raise")
    requester: Mapped["User"] = relationship(lazy="raise", foreign_keys=[requester_id])
    decided_by: Mapped["User | None"] = relationship(lazy="raise", foreign_keys=[decided_by_id])
