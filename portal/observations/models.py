"""What social supervisors submit (patrol records, leads, opinions) and their photos."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Category
from portal.db import Base, UTCDateTime, created_at, intpk, updated_at, value_enum
from portal.i18n import LabelledEnum, _l, _lp
from portal.institutions.models import Institution
from portal.supervisors.models import Supervisor


class Kind(LabelledEnum):
    PATROL = "patrol", _l("Patrol record"), _l(
        "A visit to an institution: what you checked and what you found, with photos.")
    LEAD = "lead", _l("Lead"), _l(
        "A problem that needs enforcement: it becomes a case with the same time limits as a complaint.")
    OPINION = "opinion", _l("Opinion or suggestion"), _l(
        "A view on how the rules are applied, or a suggestion; the bureau answers in writing.")


class ObservationState(LabelledEnum):
    DRAFT = "draft", _lp("observation state", "Draft")
    SUBMITTED = "submitted", _l("Submitted")
    REPLIED = "replied", _l("Replied")


class CheckItem(LabelledEnum):
    """The patrol checklist."""
    LICENSING = "licensing", _l("Licensing")
    PREMISES = "premises", _l("Premises and fire safety")
    ADVERTISING = "advertising", _l("Advertising")
    FEES = "fees", _l("Fees and prepayment")
    STAFF = "staff", _l("Staff qualifications")
    CONTENT = "content", _l("Content and schedule")


class CheckResult(LabelledEnum):
    FINE = "fine", _l("No problem seen")
    PROBLEM = "problem", _l("Problem found")
    NOT_CHECKED = "not_checked", _l("Not checked")


class Observation(Base):
    """A patrol record, lead or opinion; a draft until submitted, then answered by staff (in
    writing, or for a lead and a patrol finding through the case it opened)."""

    __tablename__ = "supervisor_observations"
    __table_args__ = (
        CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL", name="submitted"),
        CheckConstraint("state <> 'replied' OR replied_at IS NOT NULL", name="replied"),
    )

    id: Mapped[intpk]
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("supervisors.id"), index=True)
    kind: Mapped[Kind] = mapped_column(value_enum(Kind, 16))
    state: Mapped[ObservationState] = mapped_column(value_enum(ObservationState, 16),
                                                    default=ObservationState.DRAFT, index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    institution_name: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    observed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    checklist: Mapped[str] = mapped_column(String(200), default="")  # "item:result,…"
    category: Mapped[Category | None] = mapped_column(value_enum(Category, 32))
    body: Mapped[str] = mapped_column(Text, default="")  # findings, the lead, or the opinion
    needs_case: Mapped[bool] = mapped_column(Boolean, default=False)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), unique=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    supervisor: Mapped[Supervisor] = relationship(lazy="raise")
    institution: Mapped[Institution | None] = relationship(lazy="raise")
    photos: Mapped[list["ObservationPhoto"]] = relationship(lazy="raise", order_by="ObservationPhoto.id")

    @property
    def checks(self) -> dict[CheckItem, CheckResult]:
        pairs = (part.split(":", 1) for part in self.checklist.split(",") if ":" in part)
        return {CheckItem(item): CheckResult(result) for item, result in pairs}

    @property
    def subject(self) -> str:
        """The institution's name as the supervisor gave it."""
        return self.institution.name if self.institution_id and self.institution else self.institution_name


class ObservationPhoto(Base):
    """A photo (or PDF) cleaned like complaint evidence and encrypted with its own key."""

    __tablename__ = "supervisor_photos"

    id: Mapped[intpk]
    observation_id: Mapped[int] = mapped_column(ForeignKey("supervisor_observations.id"), index=True)
    media_type: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]
