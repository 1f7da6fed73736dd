"""What the database remembers about the keys that open its data: a fingerprint of each, never
the key. A host configured with other keys is told so before it serves anything."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, created_at


class KeyFingerprint(Base):
    """HMAC-SHA256(key, a fixed label), shortened: proves a key is the one the data was written
    with, and reveals nothing about it."""

    __tablename__ = "key_fingerprints"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # pepper, data_key, identity_key
    fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[created_at]
