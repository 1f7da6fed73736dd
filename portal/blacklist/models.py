"""The blacklist (黑名单) of training institutions and unregistered operators, with its procedure."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, created_at, intpk, updated_at, value_enum
from portal.i18n import LabelledEnum, _l, _lp
from portal.institutions.models import Institution, InstitutionKind
from portal.regions.models import Region

if TYPE_CHECKING:
    from portal.accounts.models import User


class BlacklistReason(LabelledEnum):
    """Coded listing reasons (DOMAIN.md, the Qinghai 2022 campaign and the Opinions)."""
    UNLICENSED = "unlicensed", _l("Operating without licence or registration")
    INCOMPLETE_LICENCES = "incomplete_licences", _l("Licences still incomplete after the deadline")
    NOT_ON_PLATFORM = "not_on_platform", _lp("blacklist reason", "Not registered on the national supervision platform")
    SAFETY = "safety", _lp("blacklist reason", "Safety hazards")
    ILLEGAL_TRAINING = "illegal_training", _l("Illegal training")
    BLACKLISTED_STAFF = "blacklisted_staff", _l("Employing people on the practitioner blacklist")
    SERIOUS = "serious", _l("Serious violation: lifelong ban")


class BlacklistState(LabelledEnum):
    """proposed → notice and defence → listing review → listed → rectifying → removal requested
    (checked by a reviewer) → removed; a proposal may be dropped after the defence."""
    PROPOSED = "proposed", _l("Proposed")
    NOTICE = "notice", _l("Notice sent, defence period")
    LISTING_REVIEW = "listing_review", _l("Listing awaiting review")
    LISTED = "listed", _l("Listed")
    RECTIFYING = "rectifying", _l("Rectifying")
    REMOVAL_REQUESTED = "removal_requested", _l("Removal requested")
    REMOVED = "removed", _l("Removed")
    DROPPED = "dropped", _l("Not listed")


# States in which the entry is shown on the public list (removed entries are shown as removed).
PUBLIC_STATES = frozenset({BlacklistState.LISTED, BlacklistState.RECTIFYING, BlacklistState.REMOVAL_REQUESTED,
                           BlacklistState.REMOVED})
# States in which the operator counts as blacklisted now.
ACTIVE_STATES = frozenset({BlacklistState.LISTED, BlacklistState.RECTIFYING, BlacklistState.REMOVAL_REQUESTED})


class BlacklistEntry(Base):
    """One listing, from proposal to removal; never deleted."""

    __tablename__ = "blacklist_entries"
    __table_args__ = (
        CheckConstraint("uscc IS NULL OR length(uscc) = 18", name="uscc_length"),
        CheckConstraint("state <> 'removed' OR removed_on IS NOT NULL", name="removed_on"),
        Index("ix_blacklist_entries_state_listed_on", "state", "listed_on"),
    )

    id: Mapped[intpk]
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the county
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    training_type: Mapped[InstitutionKind] = mapped_column(value_enum(InstitutionKind, 16))
    reason: Mapped[BlacklistReason] = mapped_column(value_enum(BlacklistReason, 24), index=True)
    facts: Mapped[str] = mapped_column(Text)
    authority_name: Mapped[str] = mapped_column(String(200))
    listed_on: Mapped[dt.date | None] = mapped_column(Date)
    batch: Mapped[str] = mapped_column(String(100), default="", index=True)
    cutoff_date: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    decision_numbers: Mapped[str] = mapped_column(String(500), default="")  # comma-separated
    state: Mapped[BlacklistState] = mapped_column(value_enum(BlacklistState, 24), default=BlacklistState.PROPOSED)
    defence_until: Mapped[dt.date | None] = mapped_column(Date)
    # The last day of the listing's validity, set when listing is asked for; after it the entry comes
    # up for review (kept with a new last day, or removed). None: no validity period.
    valid_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    removal_reason: Mapped[str] = mapped_column(Text, default="")
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: imported from the CLI
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    region: Mapped[Region] = relationship(lazy="raise")
    institution: Mapped[Institution | None] = relationship(lazy="raise")
    proposer: Mapped["User | None"] = relationship(lazy="raise")
    events: Mapped[list["BlacklistEvent"]] = relationship(lazy="raise", order_by="BlacklistEvent.id",
                                                          back_populates="entry")

    @property
    def decision_number_list(self) -> list[str]:
        return [number.strip() for number in self.decision_numbers.split(",") if number.strip()]

    def __repr__(self) -> str:
        return f"<BlacklistEntry {self.id} {self.state.value}>"


class BlacklistEvent(Base):
    """One step in an entry's history: who moved it from which state to which, and why."""

    __tablename__ = "blacklist_events"

    id: Mapped[intpk]
    entry_id: Mapped[int] = mapped_column(ForeignKey("blacklist_entries.id"), index=True)
    at: Mapped[created_at]
    from_state: Mapped[BlacklistState | None] = mapped_column(value_enum(BlacklistState, 24, "from_state"))
    to_state: Mapped[BlacklistState] = mapped_column(value_enum(BlacklistState, 24, "to_state"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    entry: Mapped[BlacklistEntry] = relationship(lazy="raise", back_populates="events")
    actor: Mapped["User | None"] = relationship(lazy="raise")


class BlacklistObjection(Base):
    """An objection (异议) a listed party raised after listing, and the bureau's written answer."""

    __tablename__ = "blacklist_objections"

    id: Mapped[intpk]
    entry_id: Mapped[int] = mapped_column(ForeignKey("blacklist_entries.id"), index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)  # what the party objects to, as staff recorded it
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
