"""Social supervisors (社会监督员): the appointment record, objections, annual assessments,
and what supervisors submit (patrol records, leads, opinions) with their photos."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, created_at, intpk, updated_at, value_enum
from portal.i18n import LabelledEnum, _l, _lp
from portal.regions.models import Region

if TYPE_CHECKING:
    from portal.accounts.models import User


class SupervisorState(LabelledEnum):
    CANDIDATE = "candidate", _l("Candidate")
    PUBLISHED = "published", _l("Published for objections")
    CLEARED = "cleared", _l("Cleared for appointment")
    REJECTED = "rejected", _lp("supervisor state", "Not appointed")
    APPOINTED = "appointed", _l("Appointed")
    DISMISSED = "dismissed", _l("Dismissed")


class AssessmentResult(LabelledEnum):
    """年度考核 result."""
    EXCELLENT = "excellent", _l("Excellent")
    COMPETENT = "competent", _l("Competent")
    BASICALLY_COMPETENT = "basically_competent", _l("Basically competent")
    NOT_COMPETENT = "not_competent", _l("Not competent")


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
