"""Practitioners under a ban (从业禁止): who, by which penalty decision, for how long. The ID number
is kept only as a keyed hash (exact look-up) and a masked form (display); never in clear."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.disclosures.models import Disclosure
from portal.i18n import LabelledEnum, _l

if TYPE_CHECKING:
    from portal.accounts.models import User


class DocumentType(LabelledEnum):
    """The identity document the number comes from; only the resident ID card has a check character."""
    RESIDENT_ID = "resident_id", _l("Resident identity card")
    PASSPORT = "passport", _l("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", _l("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", _l("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _l("Foreign permanent resident ID card")


class PractitionerBan(Base):
    """One person barred from working in training by one penalty decision; never deleted. A
    lifelong ban (终身禁入) has no end; a ban ended early (the decision revoked) keeps its record."""

    __tablename__ = "practitioner_bans"
    __table_args__ = (
        CheckConstraint("lifelong = (ends_on IS NULL)", name="lifelong_has_no_end"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),
        CheckConstraint("lifted_on IS NULL OR lift_reason <> ''", name="lift_reason"),
    )

    id: Mapped[intpk]
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the decision's
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosures.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    document_type: Mapped[DocumentType] = mapped_column(value_enum(DocumentType, 24))
    # HMAC-SHA256 of the cleaned number under the installation's first pepper (crypto.matching_digest).
    id_digest: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    id_masked: Mapped[str] = mapped_column(String(40))
    lifelong: Mapped[bool]
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    lifted_on: Mapped[dt.date | None] = mapped_column(Date)
    lift_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    disclosure: Mapped[Disclosure] = relationship(lazy="raise")
    created_by: Mapped["User"] = relationship(lazy="raise")

    def in_force(self, today: dt.date) -> bool:
        """Whether the ban binds on `today`: begun, not ended, not lifted."""
        return (self.starts_on <= today and (self.ends_on is None or today <= self.ends_on)
                and (self.lifted_on is None or today < self.lifted_on))


class BlacklistLink(Base):
    """A blacklist entry listed for employing a banned practitioner, and the register's entry for
    that person (staff only: the public blacklist never names the person)."""

    __tablename__ = "practitioner_blacklist_links"

    blacklist_entry_id: Mapped[int] = mapped_column(ForeignKey("blacklist_entries.id"), primary_key=True)
    ban_id: Mapped[int] = mapped_column(ForeignKey("practitioner_bans.id"), index=True)
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    ban: Mapped[PractitionerBan] = relationship(lazy="raise")
