"""The discretion benchmark (裁量基准) and enforcement matters catalogue behind penalty disclosures."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.casework.models import Category
from portal.db import Base, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp


class PenaltyCategory(LabelledEnum):
    """处罚类别 (行政处罚法 art. 9, 教育部令第53号 and the national exchange format). Each label
    names the penalty, never the state it leaves a licence in (the registry's "licence
    suspended" is another message: the context "penalty" keeps them apart)."""
    WARNING = "warning", _lp("penalty", "Warning")
    CRITICISM = "criticism", _lp("penalty", "Public criticism")
    FINE = "fine", _lp("penalty", "Fine")
    CONFISCATE_GAINS = "confiscate_gains", _lp("penalty", "Confiscation of illegal gains")
    CONFISCATE_PROPERTY = "confiscate_property", _lp("penalty", "Confiscation of illegal property")
    SUSPEND_LICENCE = "suspend_licence", _lp("penalty", "Suspension of permits or licences")
    DOWNGRADE = "downgrade", _lp("penalty", "Downgrade of qualification")
    REVOKE_LICENCE = "revoke_licence", _lp("penalty", "Revocation of permits or licences")
    RESTRICT_BUSINESS = "restrict_business", _lp("penalty", "Restriction of business activities")
    SUSPENSION = "suspension", _lp("penalty", "Order to suspend production or business")
    CLOSURE = "closure", _lp("penalty", "Order to close")
    OCCUPATIONAL_BAN = "occupational_ban", _lp("penalty", "Occupational ban")
    STOP_ENROLMENT = "stop_enrolment", _lp("penalty", "Order to stop enrolling students")
    STOP_RUNNING = "stop_running", _lp("penalty", "Order to stop running the institution")
    OTHER = "other", _lp("penalty", "Other")


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
    a violation under a circumstance → the penalties allowed and the fine range. A line is national
    (scope "") or one province's (its two-digit code prefix), which applies there instead of the
    national line for the same violation and circumstance."""

    __tablename__ = "discretion_rules"
    __table_args__ = (
        UniqueConstraint("scope", "violation", "circumstance"),
        CheckConstraint("fine_min IS NULL OR fine_max IS NULL OR fine_min <= fine_max", name="fine_range"),
    )

    id: Mapped[intpk]
    scope: Mapped[str] = mapped_column(String(2), default="", server_default="")  # "" national, else the province
    violation: Mapped[Category] = mapped_column(value_enum(Category, 32))
    circumstance: Mapped[Circumstance] = mapped_column(value_enum(Circumstance, 24))
    matter: Mapped[str] = mapped_column(String(200))  # 执法事项
    # 裁量情形: when this tier applies and what it leads to (the multiple of illegal gains, ...).
    criteria: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text)
    level: Mapped[Level] = mapped_column(value_enum(Level, 16))
    penalties: Mapped[str] = mapped_column(String(300))  # PenaltyCategory values, comma-separated
    fine_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    fine_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    updated_at: Mapped[created_at]
