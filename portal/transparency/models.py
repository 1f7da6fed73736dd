"""Signed heads of the audit log: the Merkle tree head of its first `tree_size` records, signed
with the audit signing key, which the database hosts do not hold."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, intpk


class Checkpoint(Base):
    __tablename__ = "audit_checkpoints"

    id: Mapped[intpk]
    tree_size: Mapped[int] = mapped_column(Integer, unique=True)
    root_hash: Mapped[str] = mapped_column(String(64))  # hex
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    key_fingerprint: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(100))  # base64 of the Ed25519 signature
    # The tree's Merkle frontier (JSON, `merkle.Frontier.state`): not signed itself, but checked
    # against the signed root before anything starts from it. None for heads signed before it was kept.
    frontier: Mapped[str | None] = mapped_column(Text)
