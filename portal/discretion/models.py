"""The discretion benchmark (裁量基准) and enforcement matters catalogue behind penalty disclosures."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.casework.models import Category
from portal.db import Base, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp


class PenaltyCategory(LabelledEnum):
    """处罚类别 (行政处罚法 art. 9 and the national exchange format)."""
    WARNING = "warning", _l("Warning")
    CRITICISM = "criticism", _l("Public criticism")
    FINE = "fine", _l("Fine")
    CONFISCATE_GAINS = "confiscate_gains", _l("Confiscation of illegal gains")
    CONFISCATE_PROPERTY = "confiscate_property", _l("Confiscation of illegal property")
    SUSPEND_LICENCE = "suspend_licence", _lp("penalty type", "Licence suspended")
    DOWNGRADE = "downgrade", _l("Qualification downgraded")
    REVOKE_LICENCE = "revoke_licence", _lp("penalty type", "Licence revoked")
    RESTRICT_BUSINESS = "restrict_business", _l("Business activities restricted")
    SUSPENSION = "suspension", _l("Ordered to suspend operations")
    CLOSURE = "closure", _l("Ordered to close")
    OCCUPATIONAL_BAN = "occupational_ban", _l("Occupational ban")
    OTHER = "other", _lp("penalty type", "Other")


class Circumstance(LabelledEnum):
    """裁量情节: how serious the matter is, for the discretion benchmark."""
    MINOR = "minor", _l("Minor")
    GENERAL = "general", _l("General")
    SERIOUS = "serious", _l("Serious")
    ESPECIALLY_SERIOUS = "especially_serious", _l("Especially serious")


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
