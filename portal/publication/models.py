"""The publication periods as data: for each penalty type and severity, the shortest and longest
time a decision stays published. Rows kept by province administrators override the defaults."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, intpk, updated_at, value_enum
from portal.i18n import LabelledEnum, _l


class Tier(LabelledEnum):
    """Severity for publication (信用中国 practice): general (一般失信) 3 months – 1 year, serious
    (严重失信) 1 – 3 years; computed from the circumstances of the decision."""
    GENERAL = "general", _l("General (3 months to 1 year)")
    SERIOUS = "serious", _l("Serious (1 to 3 years)")


class PublicationPeriod(Base):
    """One penalty type under one tier: the months a decision stays published, at least and at
    most, nationally (scope "") or in one province (its two-digit code prefix). A decision with
    several types takes the longest."""

    __tablename__ = "publication_periods"
    __table_args__ = (
        UniqueConstraint("scope", "penalty", "tier"),
        CheckConstraint("min_months >= 1 AND min_months <= max_months", name="months"),
    )

    id: Mapped[intpk]
    scope: Mapped[str] = mapped_column(String(2), default="", server_default="")
    penalty: Mapped[str] = mapped_column(String(32))  # a PenaltyCategory value
    tier: Mapped[Tier] = mapped_column(value_enum(Tier, 16))
    min_months: Mapped[int]
    max_months: Mapped[int]
    updated_at: Mapped[updated_at]
