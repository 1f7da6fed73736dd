"""One-time links to an institution's registered contact, the answers given through them, and the
documents sent with an answer."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _lp


class Channel(LabelledEnum):
    """How the link reached the institution's registered contact."""
    SMS = "sms", _lp("link channel", "Text message to the contact's mobile")
    EMAIL = "email", _lp("link channel", "Email to the contact")


class AnswerLink(Base):
    """A one-time link sent to the institution about one case; the token itself is only in the message."""

    __tablename__ = "institution_answer_links"

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)  # a keyed hash of the token
    channel: Mapped[Channel] = mapped_column(value_enum(Channel, 8))
    # The facts the institution is shown, as staff wrote them: without the parent's identity.
    facts: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Closed by the answer given through it, or by a newer link sent for the same case.
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replaced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    sent_by: Mapped[User] = relationship(lazy="raise")


class InstitutionAnswer(Base):
    """What the institution said through a link: its position and, when it offers one, a refund."""

    __tablename__ = "institution_answers"
    __table_args__ = (
        CheckConstraint("(refund_amount IS NULL) = (refund_on IS NULL)", name="refund_complete"),
        CheckConstraint("refund_amount IS NULL OR refund_amount > 0", name="refund_positive"),
    )

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("institution_answer_links.id"), unique=True)
    position: Mapped[str] = mapped_column(Text)
    refund_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    refund_on: Mapped[dt.date | None] = mapped_column(Date)
    refund_how: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[created_at]

    documents: Mapped[list["AnswerDocument"]] = relationship(order_by="AnswerDocument.id", lazy="raise")


class AnswerDocument(Base):
    """A document the institution sent with its answer: cleaned and encrypted like evidence."""

    __tablename__ = "institution_answer_documents"
    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    id: Mapped[intpk]
    answer_id: Mapped[int] = mapped_column(ForeignKey("institution_answers.id"), index=True)
    filename: Mapped[str] = mapped_column(String(40))  # neutral: "institution-1.pdf"
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]
