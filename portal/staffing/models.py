"""Requests for powers that check other people's work, and a second administrator's decision."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp


class GrantKind(LabelledEnum):
    NEW_ACCOUNT = "new_account", _l("New account")
    RESET = "reset", _l("New password and authenticator")
    OFFICE_HEAD = "office_head", _l("Head-of-office permission")


class GrantState(LabelledEnum):
    PENDING = "pending", _l("Waiting for a second administrator")
    APPROVED = "approved", _lp("grant state", "Approved")
    REFUSED = "refused", _lp("grant state", "Refused")


class PrivilegeGrant(Base):
    """An administrator's request to give an account powers that check other people's work (a new
    or reset privileged account, the head-of-office permission), and a second administrator's
    decision. For an account's credentials, each administrator sees one half of the one-time
    password: neither can sign in as the new account alone."""

    __tablename__ = "privilege_grants"

    id: Mapped[intpk]
    kind: Mapped[GrantKind] = mapped_column(value_enum(GrantKind, 16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # the account's jurisdiction
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    # The first half of the one-time password, under the data key until the decision, then gone.
    first_half: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[GrantState] = mapped_column(value_enum(GrantState, 16), default=GrantState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(lazy="raise", foreign_keys=[user_id])
    requested_by: Mapped[User] = relationship(lazy="raise", foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[decided_by_id])
