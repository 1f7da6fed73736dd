"""Social supervisors (社会监督员): the appointment record, objections, annual assessments,
and what supervisors submit (patrol records, leads, opinions) with their photos."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Category
from portal.db import Base, UTCDateTime, created_at, intpk, updated_at, value_enum
from portal.i18n import LabelledEnum, _l
from portal.institutions.models import Institution
from portal.regions.models import Region

if TYPE_CHECKING:
    from portal.accounts.models import User


class SupervisorState(LabelledEnum):
    CANDIDATE = "candidate", _l("Candidate")
    PUBLISHED = "published", _l("Published for objections")
    CLEARED = "cleared", _l("Cleared for appointment")
    REJECTED = "rejected", _l("Not appointed")
    APPOINTED = "appointed", _l("Appointed")
    DISMISSED = "dismissed", _l("Dismissed")


class AssessmentResult(LabelledEnum):
    """年度考核 result."""
    EXCELLENT = "excellent", _l("Excellent")
    COMPETENT = "competent", _l("Competent")
    BASICALLY_COMPETENT = "basically_competent", _l("Basically competent")
    NOT_COMPETENT = "not_competent", _l("Not competent")


class Kind(LabelledEnum):
    PATROL = "patrol", _l("Patrol record"), _l(
        "A visit to an institution: what you checked and what you found, with photos.")
    LEAD = "lead", _l("Lead"), _l(
        "A problem that needs enforcement: it becomes a case with the same time limits as a complaint.")
    OPINION = "opinion", _l("Opinion or suggestion"), _l(
        "A view on how the rules are applied, or a suggestion; the bureau answers in writing.")


class ObservationState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
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


class Supervisor(Base):
    """One person from candidacy through appointment for a term to its end; never deleted."""

    __tablename__ = "supervisors"
    __table_args__ = (
        CheckConstraint("state NOT IN ('appointed', 'dismissed') OR (term_start IS NOT NULL AND "
                        "term_end IS NOT NULL AND certificate_number IS NOT NULL AND user_id IS NOT NULL)",
                        name="appointment"),
        CheckConstraint("term_end IS NULL OR term_end > term_start", name="term"),
        CheckConstraint("notice_end IS NULL OR notice_end >= notice_start", name="notice"),
    )

    id: Mapped[intpk]
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    organisation: Mapped[str] = mapped_column(String(200))
    occupation: Mapped[str] = mapped_column(String(100))
    contact_encrypted: Mapped[bytes] = mapped_column(LargeBinary)  # phone or address, staff only
    state: Mapped[SupervisorState] = mapped_column(value_enum(SupervisorState, 16),
                                                   default=SupervisorState.CANDIDATE, index=True)
    notice_start: Mapped[dt.date | None] = mapped_column(Date)
    notice_end: Mapped[dt.date | None] = mapped_column(Date)  # last day to object
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    term_start: Mapped[dt.date | None] = mapped_column(Date)
    term_end: Mapped[dt.date | None] = mapped_column(Date)  # last day of the term
    certificate_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    dismissed_on: Mapped[dt.date | None] = mapped_column(Date)
    dismissal_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    region: Mapped[Region] = relationship(lazy="raise")
    user: Mapped["User | None"] = relationship(lazy="raise", foreign_keys=[user_id])

    def in_term(self, day: dt.date) -> bool:
        """Appointed, not dismissed, and `day` inside the term."""
        return (self.state is SupervisorState.APPOINTED and self.term_start is not None
                and self.term_start <= day <= self.term_end)


class Objection(Base):
    """An objection received in writing while the candidate was published."""

    __tablename__ = "supervisor_objections"

    id: Mapped[intpk]
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("supervisors.id"), index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]


class Assessment(Base):
    """The annual assessment of one supervisor for one year."""

    __tablename__ = "supervisor_assessments"
    __table_args__ = (UniqueConstraint("supervisor_id", "year"),)

    id: Mapped[intpk]
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("supervisors.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    result: Mapped[AssessmentResult] = mapped_column(value_enum(AssessmentResult, 24))
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[updated_at]


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
