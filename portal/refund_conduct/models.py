"""The recorded decisions (认定) that an institution refused refunds or broke refund agreements, and
the decisions lifting them: each proposed by one officer and approved or refused by another."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp
from portal.institutions.models import Institution


class DecisionKind(LabelledEnum):
    FINDING = "finding", _l("Finding (认定): refunds refused or agreements not kept")
    LIFTING = "lifting", _l("Lifting of the finding (解除)")


class DecisionState(LabelledEnum):
    PROPOSED = "proposed", _l("Proposed: waiting for a second officer")
    APPROVED = "approved", _lp("refund conduct decision", "Approved")
    REFUSED = "refused", _lp("refund conduct decision", "Refused")


class ConductDecision(Base):
    """A finding (the whitelist's fifth condition fails while it is in force) or the lifting of one.

    A finding is in force from the day it is approved (`effective_on`) until its period's last day
    (`until`, when it has one) or the day a lifting was approved (`lifted_on`)."""

    __tablename__ = "refund_conduct_decisions"
    __table_args__ = (
        CheckConstraint("decided_by_id IS NULL OR decided_by_id <> proposed_by_id", name="four_eyes"),
        CheckConstraint("state = 'proposed' OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
                        name="decided"),
        CheckConstraint("state <> 'approved' OR effective_on IS NOT NULL", name="approved_dated"),
        CheckConstraint("state <> 'refused' OR refusal_reason <> ''", name="refusal_explained"),
        CheckConstraint("reason <> ''", name="reason_given"),
        CheckConstraint("kind <> 'finding' OR told_on IS NOT NULL", name="institution_told"),
        CheckConstraint("(kind = 'lifting') = (lifts_id IS NOT NULL)", name="lifting_names_finding"),
    )

    id: Mapped[intpk]
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the institution's
    office_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))  # the proposer's office: it approves
    kind: Mapped[DecisionKind] = mapped_column(value_enum(DecisionKind, 16))
    state: Mapped[DecisionState] = mapped_column(value_enum(DecisionState, 16), default=DecisionState.PROPOSED,
                                                 index=True)
    reason: Mapped[str] = mapped_column(Text)  # why (a finding) or why no longer (a lifting: the money repaid)
    told_on: Mapped[dt.date | None] = mapped_column(Date)  # the day the institution was told of the finding
    until: Mapped[dt.date | None] = mapped_column(Date)  # a finding's last day in force, if it has a period
    lifts_id: Mapped[int | None] = mapped_column(ForeignKey("refund_conduct_decisions.id"), index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_by_label: Mapped[str] = mapped_column(String(100))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_label: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    effective_on: Mapped[dt.date | None] = mapped_column(Date)  # the local day it was approved
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    lifted_on: Mapped[dt.date | None] = mapped_column(Date)  # a finding: the day a lifting of it was approved
    created_at: Mapped[created_at]

    institution: Mapped[Institution] = relationship(lazy="raise")
    cases: Mapped[list["DecisionCase"]] = relationship(order_by="DecisionCase.mediation_case_id", lazy="raise")

    def in_force(self, today: dt.date) -> bool:
        """A finding approved, begun, not past its period and not lifted on `today`."""
        return (self.kind is DecisionKind.FINDING and self.state is DecisionState.APPROVED
                and self.effective_on is not None and self.effective_on <= today
                and (self.until is None or today <= self.until)
                and (self.lifted_on is None or today < self.lifted_on))


class DecisionCase(Base):
    """A mediation case a finding rests on."""

    __tablename__ = "refund_conduct_decision_cases"

    decision_id: Mapped[int] = mapped_column(ForeignKey("refund_conduct_decisions.id"), primary_key=True)
    mediation_case_id: Mapped[int] = mapped_column(ForeignKey("mediation_cases.id"), primary_key=True, index=True)
