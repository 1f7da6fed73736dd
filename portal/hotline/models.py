"""The 12345 hotline's partners, the work orders they sent, and the nonces of their signed requests."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, created_at, intpk


class Partner(Base):
    """One 12345 platform (a city's or an office's) allowed to send work orders: its client id,
    its shared secret (encrypted under the data key: HMAC needs the secret itself on both sides),
    the address our signed callbacks go to, and the region it serves."""

    __tablename__ = "hotline_partners"

    id: Mapped[intpk]
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    callback_url: Mapped[str] = mapped_column(String(300))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]


class Order(Base):
    """A work order received from a partner and the case it became: one case per order number
    and partner, and a digest of what the order said, so the same number with another body is told apart."""

    __tablename__ = "hotline_orders"
    __table_args__ = (UniqueConstraint("partner_id", "order_number"),)

    id: Mapped[intpk]
    partner_id: Mapped[int] = mapped_column(ForeignKey("hotline_partners.id"), index=True)
    order_number: Mapped[str] = mapped_column(String(64))
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    body_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]

    partner: Mapped[Partner] = relationship(lazy="raise")


class Nonce(Base):
    """A nonce a partner's accepted request carried; the same one again inside the time window is a replay."""

    __tablename__ = "hotline_nonces"
    __table_args__ = (UniqueConstraint("partner_id", "nonce"),)

    id: Mapped[intpk]
    partner_id: Mapped[int] = mapped_column(ForeignKey("hotline_partners.id"))
    nonce: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
