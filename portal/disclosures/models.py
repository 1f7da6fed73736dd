"""Penalty disclosures (行政处罚公示, "双公示") and the discretion benchmark behind them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Category
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.discretion.models import Circumstance, PenaltyCategory
from portal.i18n import LabelledEnum, _l, _lp
from portal.institutions.models import Institution
from portal.publication.models import Tier
from portal.regions.models import Region
from portal.workflow.review import ReviewedMixin, reviewer_not_drafter

__all__ = ["Tier", "PartyType", "DisclosureState", "RepairDecision", "Disclosure", "Circumstance", "PenaltyCategory"]


class PartyType(LabelledEnum):
    """行政相对人类别."""
    LEGAL_PERSON = "legal_person", _l("Legal person or other organisation")
    NATURAL_PERSON = "natural_person", _l("Natural person")
    INDIVIDUAL_BUSINESS = "individual_business", _l("Individual business")


class DisclosureState(LabelledEnum):
    DRAFT = "draft", _lp("disclosure state", "Draft")
    IN_REVIEW = "in_review", _l("Waiting for publication review")
    RETURNED = "returned", _lp("disclosure state", "Returned with comments")
    PUBLISHED = "published", _lp("disclosure state", "Published")
    WITHDRAWN = "withdrawn", _lp("disclosure state", "Withdrawn")


class RepairDecision(LabelledEnum):
    APPROVED = "approved", _l("Approved: publication ends")
    REFUSED = "refused", _lp("credit repair decision", "Refused")


class Disclosure(ReviewedMixin, Base):
    """A penalty decision as published, from draft through the review before publication; kept forever, shown
    only within its publication period."""

    __tablename__ = "disclosures"
    __table_args__ = (
        reviewer_not_drafter(),
        CheckConstraint("publication_end >= decision_date", name="period"),
    )

    id: Mapped[intpk]
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    party_name: Mapped[str] = mapped_column(String(200), index=True)
    party_type: Mapped[PartyType] = mapped_column(value_enum(PartyType, 24))
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    legal_representative: Mapped[str] = mapped_column(String(50), default="")
    decision_number: Mapped[str] = mapped_column(String(100), unique=True)
    violation: Mapped[Category] = mapped_column(value_enum(Category, 32))
    circumstance: Mapped[Circumstance] = mapped_column(value_enum(Circumstance, 24))
    facts: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    penalties: Mapped[str] = mapped_column(String(300))  # PenaltyCategory values, comma-separated
    penalty_content: Mapped[str] = mapped_column(Text)
    fine_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    confiscated_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # A penalty outside the benchmark's range needs a written reason the reviewer sees.
    outside_range_reason: Mapped[str] = mapped_column(Text, default="")
    decision_date: Mapped[dt.date] = mapped_column(Date, index=True)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    # 法制审核 of the decision itself, before it was made (行政处罚法 art. 58), and whether the
    # bureau's heads discussed it collectively (art. 57). Empty on decisions recorded before.
    legal_reviewer_name: Mapped[str] = mapped_column(String(50), default="")
    legal_reviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    collective_discussion: Mapped[bool] = mapped_column(Boolean, default=False)
    # 简易程序 (行政处罚法 art. 51): a warning decided so is not published.
    simplified_procedure: Mapped[bool] = mapped_column(Boolean, default=False)
    # A ban or restriction without end (终身): the decision never drops off.
    lifelong: Mapped[bool] = mapped_column(Boolean, default=False)
    tier: Mapped[Tier] = mapped_column(value_enum(Tier, 16))  # computed from the circumstances
    period_months: Mapped[int]  # chosen within the range of the penalties and the tier
    # None: published for as long as a lifelong ban or restriction lasts.
    publication_end: Mapped[dt.date | None] = mapped_column(Date, index=True)
    authority_name: Mapped[str] = mapped_column(String(200))
    authority_uscc: Mapped[str] = mapped_column(String(18))
    data_source: Mapped[str] = mapped_column(String(200))
    remarks: Mapped[str] = mapped_column(Text, default="")
    # The day the decision was revoked or changed: its withdrawal is due within 3 working days.
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    state: Mapped[DisclosureState] = mapped_column(value_enum(DisclosureState, 16), default=DisclosureState.DRAFT,
                                                   index=True)
    # Credit repair (信用修复): the application, the decision, and an early end of publication.
    repair_applied_on: Mapped[dt.date | None] = mapped_column(Date)
    repair_decision: Mapped[RepairDecision | None] = mapped_column(value_enum(RepairDecision, 16))
    repair_decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    repair_note: Mapped[str] = mapped_column(Text, default="")
    # What staff checked with the application: the penalty performed, its effects removed.
    repair_performed: Mapped[bool] = mapped_column(Boolean, default=False)
    repair_effects_removed: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_early_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[created_at]

    region: Mapped[Region] = relationship(lazy="raise")
    institution: Mapped[Institution | None] = relationship(lazy="raise")

    @property
    def penalty_list(self) -> list[PenaltyCategory]:
        return [PenaltyCategory(value) for value in self.penalties.split(",") if value]

