"""The discretion benchmark (裁量基准) and enforcement matters catalogue behind penalty disclosures."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.complaints.models import Category
from portal.db import Base, created_at, intpk, value_enum
from portal.disclosures.models import Circumstance
from portal.i18n import LabelledEnum, _l


class Level(LabelledEnum):
    COUNTY = "county", _l("County education bureau")
    CITY = "city", _l("City education bureau")
    PROVINCE = "province", _l("Provincial education department")


class DiscretionRule(Base):
    """One line of the discretion benchmark (裁量基准) and the enforcement matters catalogue:
    a violation under a circumstance → the penalties allowed and the fine range."""

    __tablename__ = "discretion_rules"
    __table_args__ = (
        UniqueConstraint("violation", "circumstance"),
        CheckConstraint("fine_min IS NULL OR fine_max IS NULL OR fine_min <= fine_max", name="fine_range"),
    )

    id: Mapped[intpk]
    violation: Mapped[Category] = mapped_column(value_enum(Category, 32))
    circumstance: Mapped[Circumstance] = mapped_column(value_enum(Circumstance, 24))
    matter: Mapped[str] = mapped_column(String(200))  # 执法事项
    legal_basis: Mapped[str] = mapped_column(Text)
    level: Mapped[Level] = mapped_column(value_enum(Level, 16))
    penalties: Mapped[str] = mapped_column(String(300))  # PenaltyCategory values, comma-separated
    fine_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    fine_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    updated_at: Mapped[created_at]
