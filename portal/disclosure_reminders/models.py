"""The reminders already sent about disclosures' deadlines."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, created_at


class DisclosureReminder(Base):
    """A deadline reminder about a disclosure already sent, so a daily run sends each one once."""

    __tablename__ = "disclosure_reminders"

    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosures.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)  # "<clock>_soon" or "<clock>_overdue"
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[created_at]
