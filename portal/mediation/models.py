"""A dispute between a parent and an institution on the mediation track (SAMR 暂行办法 arts. 16–22):
the decision to take it, the sessions, and how it ended; the parent's word on the money."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Complaint, Rating
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp


class MediationState(LabelledEnum):
    PENDING = "pending", _l("Mediation to be decided"), _l(
        "You asked for mediation. The office decides within the time limit whether to take the dispute.")
    MEDIATING = "mediating", _l("Taken for mediation"), _l(
        "The office took your dispute for mediation and will arrange it with you and the institution.")
    DECLINED = "declined", _l("Not taken for mediation"), _l(
        "The office did not take the dispute for mediation; the reason is shown below. Your complaint is "
        "handled as an ordinary complaint.")
    AGREED = "agreed", _lp("mediation state", "Mediation ended with an agreement"), _l(
        "You and the institution agreed. Tell us below whether the money arrived.")
    FAILED = "failed", _lp("mediation state", "Mediation ended without an agreement"), _l(
        "Mediation ended without an agreement. The written result names the other routes open to you.")
    KEPT = "kept", _l("Agreement kept: the money arrived"), _l(
        "You confirmed that the money agreed arrived.")
    REOPENED = "reopened", _l("Agreement not kept: case reopened"), _l(
        "You told us the money agreed did not arrive. The office has reopened the dispute; it counts "
        "against the institution.")


# The states in which the office is still mediating (sessions, an agreement or an end may be recorded).
OPEN_STATES = (MediationState.MEDIATING, MediationState.REOPENED)


class SessionForm(LabelledEnum):
    """How a mediation session took place (SAMR 暂行办法: on site or remotely)."""
    PHONE = "phone", _lp("mediation form", "By telephone")
    MEETING = "meeting", _l("Meeting in person")
    ONLINE = "online", _l("Online (video or the internet)")


class EndReason(LabelledEnum):
    """Why mediation ended without an agreement."""
    PARENT_REFUSED = "parent_refused", _l("The parent refused or withdrew")
    INSTITUTION_REFUSED = "institution_refused", _l("The institution refused to mediate or to agree")
    NO_AGREEMENT = "no_agreement", _l("The sides could not agree")
    LIMIT_PASSED = "limit_passed", _l("The time limit for mediation passed")


class PaidHow(LabelledEnum):
    """How the agreed money is to be paid."""
    BANK_TRANSFER = "bank_transfer", _l("Bank transfer")
    ORIGINAL_ROUTE = "original_route", _l("Back the way it was paid (refund to the same account or app)")
    SUPERVISED_ACCOUNT = "supervised_account", _l("From the supervised prepaid-fee account")
    CASH = "cash", _l("In cash, against a receipt")


class MediationCase(Base):
    """One complaint's dispute on the mediation track, from the office's decision to its end."""

    __tablename__ = "mediation_cases"
    __table_args__ = (
        CheckConstraint("state = 'pending' OR decided_on IS NOT NULL", name="decided_dated"),
        CheckConstraint("state <> 'declined' OR decline_reason <> ''", name="declined_reason"),
        CheckConstraint("state NOT IN ('agreed', 'kept') OR (amount IS NOT NULL AND amount > 0 "
                        "AND pay_by IS NOT NULL AND paid_how IS NOT NULL)", name="agreement_whole"),
        CheckConstraint("state <> 'failed' OR end_reason IS NOT NULL", name="failure_explained"),
    )

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the complaint's county
    office_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the office mediating
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    state: Mapped[MediationState] = mapped_column(value_enum(MediationState, 16), default=MediationState.PENDING,
                                                  index=True)
    # The office's decision to take the dispute or not: the day, who, why not (the parent reads it).
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # The end: an agreement (amount, the day it will be paid, how) or a failure (why), on a day.
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    pay_by: Mapped[dt.date | None] = mapped_column(Date)
    paid_how: Mapped[PaidHow | None] = mapped_column(value_enum(PaidHow, 24))
    end_reason: Mapped[EndReason | None] = mapped_column(value_enum(EndReason, 24))
    summary: Mapped[str] = mapped_column(Text, default="")  # the agreement's terms or the failure's account
    # The parent's word: the money arrived (kept) or not (broken, counted against the institution).
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    reopened_on: Mapped[dt.date | None] = mapped_column(Date)  # the latest "not kept": a new period from then
    broken_count: Mapped[int] = mapped_column(Integer, default=0)
    rating: Mapped[Rating | None] = mapped_column(value_enum(Rating, 24))
    rated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The report track opened on what the dispute revealed: the second case, linked to this one.
    report_complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), unique=True)
    created_at: Mapped[created_at]

    complaint: Mapped[Complaint] = relationship(lazy="raise", foreign_keys=[complaint_id])
    sessions: Mapped[list["MediationSession"]] = relationship(order_by="MediationSession.id", lazy="raise")

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES


class MediationSession(Base):
    """One mediation session: when, how, who took part and what each side said."""

    __tablename__ = "mediation_sessions"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_cases.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    form: Mapped[SessionForm] = mapped_column(value_enum(SessionForm, 16))
    participants: Mapped[str] = mapped_column(String(500))
    parent_said: Mapped[str] = mapped_column(Text)
    institution_said: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
