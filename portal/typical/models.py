"""Typical cases (典型案例): reviewed articles about enforcement, linked to disclosures and institutions."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, created_at, intpk, updated_at, value_enum
from portal.i18n import LabelledEnum, _l, _lp
from portal.regions.models import Region
from portal.workflow.review import ReviewedMixin, reviewer_not_drafter

if TYPE_CHECKING:
    from portal.disclosures.models import Disclosure
    from portal.institutions.models import Institution


class ArticleState(LabelledEnum):
    DRAFT = "draft", _lp("typical case state", "Draft")
    IN_REVIEW = "in_review", _l("Waiting for review")
    RETURNED = "returned", _lp("typical case state", "Returned with comments")
    PUBLISHED = "published", _lp("typical case state", "Published")
    WITHDRAWN = "withdrawn", _lp("typical case state", "Withdrawn")


typical_case_disclosures = Table(
    "typical_case_disclosures", Base.metadata,
    Column("typical_case_id", ForeignKey("typical_cases.id"), primary_key=True),
    Column("disclosure_id", ForeignKey("disclosures.id"), primary_key=True, index=True),
)

typical_case_institutions = Table(
    "typical_case_institutions", Base.metadata,
    Column("typical_case_id", ForeignKey("typical_cases.id"), primary_key=True),
    Column("institution_id", ForeignKey("institutions.id"), primary_key=True, index=True),
)


class TypicalCase(ReviewedMixin, Base):
    """An article: Chinese always, English optional. The body is kept as the author wrote it
    (Markdown) and as sanitised HTML, which is what pages show."""

    __tablename__ = "typical_cases"
    __table_args__ = (reviewer_not_drafter(),)

    id: Mapped[intpk]
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(String(200), default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    body_en_source: Mapped[str] = mapped_column(Text, default="")
    body_en_html: Mapped[str] = mapped_column(Text, default="")
    case_date: Mapped[dt.date] = mapped_column(Date, index=True)
    state: Mapped[ArticleState] = mapped_column(value_enum(ArticleState, 16), default=ArticleState.DRAFT,
                                                index=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    region: Mapped[Region] = relationship(lazy="raise")
    disclosures: Mapped[list["Disclosure"]] = relationship(secondary=typical_case_disclosures, lazy="raise")
    institutions: Mapped[list["Institution"]] = relationship(secondary=typical_case_institutions, lazy="raise")

    def __repr__(self) -> str:
        return f"<TypicalCase {self.id} {self.state.value}>"
