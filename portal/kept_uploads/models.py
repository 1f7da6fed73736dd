"""Files a reporter chose on a complaint form that came back for correction: cleaned and encrypted
like evidence, tied to that one form, kept for an hour, and deleted when the complaint is filed."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, created_at, intpk


class KeptUpload(Base):
    """One cleaned file waiting for its form to be sent again."""

    __tablename__ = "kept_uploads"
    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    id: Mapped[intpk]
    # A keyed hash of the form's one-time token: the token itself is only in the reporter's page.
    form_digest: Mapped[str] = mapped_column(String(64), index=True)
    # The file's own name, shown back to the reporter only; people name files after themselves.
    name_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[created_at]
