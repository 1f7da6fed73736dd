"""The record of each deadline reminder sent, so a daily run sends each one once."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, created_at


class NotificationSent(Base):
    """A deadline reminder already sent, so a daily run sends each one once."""

    __tablename__ = "notifications_sent"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "due_soon" or "overdue"
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[created_at]
