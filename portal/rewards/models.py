"""Reward decisions on concluded cases, and the reporters' claims."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, intpk, value_enum
from portal.i18n import LabelledEnum, _l


class RewardGrade(LabelledEnum):
    """Reward grades for reports of major violations (SAMR 2021 reward rules, as a model)."""
    FIRST = "1", _l("Grade 1")
    SECOND = "2", _l("Grade 2")
    THIRD = "3", _l("Grade 3")
    NONE = "none", _l("No reward")


class Reward(Base):
    """The reward decision on a concluded case, and the reporter's claim."""

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("grade = 'none' OR amount IS NOT NULL", name="amount"),
        CheckConstraint("grade <> 'none' OR reason <> ''", name="no_reward_reason"),
    )

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    grade: Mapped[RewardGrade] = mapped_column(value_enum(RewardGrade, 8))
    # Money in yuan, exact: fines and confiscations the reward is a share of.
    base_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    computed_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # Why there is no reward, or why the amount differs from the computed one.
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claim_due: Mapped[dt.date | None] = mapped_column(Date)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claim_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claim_note: Mapped[str] = mapped_column(Text, default="")
