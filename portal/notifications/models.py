"""The outbox's tables: each outgoing message, and each attempt at delivering it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l


class State(LabelledEnum):
    PENDING = "pending", _l("Waiting to be sent")
    SENDING = "sending", _l("Being sent")
    SENT = "sent", _l("Handed over (to the mail server, the SMS provider or the partner's system)")
    FAILED = "failed", _l("Not sent (gave up)")


class Result(LabelledEnum):
    SENT = "sent", _l("Accepted by the server")
    RETRY = "retry", _l("Failed; will try again")
    REFUSED = "refused", _l("Refused by the recipient's server")
    GAVE_UP = "gave_up", _l("Failed; no more attempts")
    INTERRUPTED = "interrupted", _l("Interrupted (the worker stopped)")


class Message(Base):
    """One outgoing message; its content is sealed, its progress is not."""

    __tablename__ = "outbox_messages"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(36), unique=True)  # the same on every attempt
    channel: Mapped[str] = mapped_column(String(16))  # "mail"
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)  # the office it concerns
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # JSON under the data key
    state: Mapped[State] = mapped_column(value_enum(State, 16), default=State.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(80))  # an error's kind, never its text


class Attempt(Base):
    """One try at delivering a message, and how it ended."""

    __tablename__ = "outbox_attempts"

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[Result | None] = mapped_column(value_enum(Result, 16))
    error: Mapped[str | None] = mapped_column(String(80))
