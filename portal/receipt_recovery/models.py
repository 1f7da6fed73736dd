"""A recovery in progress: what the browser that asked must prove, for five minutes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, created_at, intpk


class RecoveryChallenge(Base):
    """One request for a new 查询码. Made for every request, whether the mobile number and the case
    number match a named case or not (`complaint_id` is then empty and no text is sent), so the
    answers are the same either way until the code is checked."""

    __tablename__ = "receipt_recoveries"

    id: Mapped[intpk]
    # A keyed hash of the random token the asking browser's session holds.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64))  # a keyed hash of the token and the code
    # The mobile number, for the "recovered" text: under a key only the token's holder can derive.
    phone_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
