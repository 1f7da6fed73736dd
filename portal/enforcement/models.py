"""A report of a violation on the enforcement track: the lead, the 立案 decision and its number,
the named reporter told, and the penalty decision it ended in."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Complaint
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.disclosures.models import Disclosure
from portal.i18n import LabelledEnum, _l, _lp

if TYPE_CHECKING:
    from portal.accounts.models import User


class EnforcementState(LabelledEnum):
    LEAD = "lead", _l("Report of a violation: opening a case to be decided"), _l(
        "Your report is being checked. The office decides whether to open an enforcement case (立案).")
    OPENED = "opened", _lp("enforcement state", "Enforcement case opened (立案)"), _l(
        "An enforcement case was opened on your report (立案). A penalty decision normally follows within "
        "90 days of that day (行政处罚法 article 60).")
    NOT_OPENED = "not_opened", _lp("enforcement state", "No enforcement case opened (不予立案)"), _l(
        "The office decided not to open an enforcement case on your report. The reason is shown below.")
    PENALTY = "penalty", _l("Penalty decided"), _l(
        "The enforcement case ended in a penalty decision.")
    CLOSED = "closed", _l("Case closed without a penalty"), _l(
        "The enforcement case was closed without a penalty decision. The reason is shown below.")


class ToldHow(LabelledEnum):
    """How a named reporter was told whether a case was opened."""
    PHONE = "phone", _lp("how the reporter was told", "By telephone")
    TEXT_MESSAGE = "text_message", _l("By text message")
    LETTER = "letter", _lp("how the reporter was told", "By letter")
    IN_PERSON = "in_person", _l("Face to face")
    EMAIL = "email", _lp("how the reporter was told", "By email")


# States in which the case was opened (it has its 立案编号 and its decision clock).
OPENED_STATES = (EnforcementState.OPENED, EnforcementState.PENALTY, EnforcementState.CLOSED)


class EnforcementCase(Base):
    """One complaint case taken as a report of a violation (举报), from the lead to its end."""

    __tablename__ = "enforcement_cases"
    __table_args__ = (
        CheckConstraint("state NOT IN ('opened', 'penalty', 'closed') OR (number IS NOT NULL "
                        "AND decided_on IS NOT NULL)", name="opened_numbered"),
        CheckConstraint("state <> 'not_opened' OR decided_on IS NOT NULL", name="declined_dated"),
        CheckConstraint("state <> 'penalty' OR disclosure_id IS NOT NULL", name="penalty_linked"),
        CheckConstraint("told_on IS NULL OR (told_how IS NOT NULL AND told_on >= decided_on)", name="told"),
    )

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    # The complaint's county (the jurisdiction it lies in, and the county it is counted in on /stats).
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    # The office that decides and numbers it: the one handling the complaint when the lead was recorded.
    office_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    # Whether the reporter gave their name (only a named reporter must be told, SAMR 暂行办法 art. 31).
    named_reporter: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[EnforcementState] = mapped_column(value_enum(EnforcementState, 16),
                                                    default=EnforcementState.LEAD, index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The 立案 or 不予立案 decision: its day, its number (立案 only), who decided, as they were then.
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    number: Mapped[str | None] = mapped_column(String(80), unique=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_label: Mapped[str] = mapped_column(String(100), default="")
    # Why no case was opened (shown to the reporter).
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # The named reporter told whether a case was opened (SAMR 暂行办法 art. 31): the day and how.
    told_on: Mapped[dt.date | None] = mapped_column(Date)
    told_how: Mapped[ToldHow | None] = mapped_column(value_enum(ToldHow, 16))
    told_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The penalty decision it ended in, once published (the disclosure), or why it closed without one.
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosures.id"), unique=True)
    linked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    penalty_on: Mapped[dt.date | None] = mapped_column(Date)  # the linked decision's date
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    close_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]

    complaint: Mapped[Complaint] = relationship(lazy="raise")
    disclosure: Mapped[Disclosure | None] = relationship(lazy="raise")
    decided_by: Mapped["User | None"] = relationship(lazy="raise", foreign_keys=[decided_by_id])

    @property
    def opened(self) -> bool:
        return self.state in OPENED_STATES


class EnforcementCounter(Base):
    """The last 立案 sequence number used by one office in one year."""

    __tablename__ = "enforcement_counters"

    office_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
