"""The history of the rules' values: one row per change, never updated or deleted."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, intpk


class RuleChange(Base):
    """A rule's value from `effective_from` on, nationally (scope "") or in one province (its two-digit
    code prefix). A province row with no value goes back to the national value. The value in force
    at a moment is the latest row of the province at or before it, else the national one's."""

    __tablename__ = "rule_changes"
    __table_args__ = (Index("ix_rule_changes_name_scope", "name", "scope", "effective_from"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(60))
    scope: Mapped[str] = mapped_column(String(2), default="")
    value: Mapped[str | None] = mapped_column(String(40))
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(40))  # "user:<id>" or "system"
    reason: Mapped[str] = mapped_column(Text, default="")
