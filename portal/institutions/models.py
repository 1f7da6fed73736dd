"""Institutions and their licensing facts."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, validates

from portal import clock
from portal.db import Base, created_at, intpk, updated_at, value_enum
from portal.i18n import LabelledEnum, _l, _lp
from portal.identifiers import normalise_uscc
from portal.regions.models import Region
from portal.search import grams

GRAM_KIND = "institution"  # the kind of the name index (portal.search) that holds their names


class InstitutionKind(LabelledEnum):
    SUBJECT = "subject", _l("Academic subjects")
    ARTS = "arts", _l("Arts")
    SPORTS = "sports", _lp("kind of training", "Sports")
    TECHNOLOGY = "technology", _lp("kind of training", "Science and technology")
    OTHER = "other", _l("Other non-subject training")


class LicenceStatus(LabelledEnum):
    VALID = "valid", _l("Valid school-running licence")
    EXPIRED = "expired", _lp("licence state", "Licence expired")
    SUSPENDED = "suspended", _lp("licence state", "Licence suspended")
    REVOKED = "revoked", _lp("licence state", "Licence revoked")
    NONE = "none", _l("No school-running licence")


LICENCE_SEVERITY = {"valid": "ok", "expired": "warn", "suspended": "warn", "revoked": "danger", "none": "danger"}


class Standing(LabelledEnum):
    """What a parent reads first on a card: the gravest fact on record, graded (`GRADES`)."""
    BLACKLISTED = "blacklisted", _l("On the blacklist: do not pay")
    REVOKED = "revoked", _lp("standing", "Licence revoked: do not pay")
    UNLICENSED = "unlicensed", _l("No school-running licence: do not pay")
    CLOSED = "closed", _l("Closed")
    PENALISED = "penalised", _l("Under a published penalty")
    EXPIRED = "expired", _lp("standing", "Licence expired")
    SUSPENDED = "suspended", _lp("standing", "Licence suspended")
    NOT_ON_PLATFORM = "not_on_platform", _lp("standing", "Not registered on the national platform")
    NOT_INSPECTED = "not_inspected", _lp("standing", "No passed annual inspection")
    NOT_WHITELISTED = "not_whitelisted", _l("Not on the whitelist")
    WHITELISTED = "whitelisted", _l("On the whitelist")

    @property
    def grade(self) -> str:
        """danger (red), warn (amber) or ok (green): the badge's class."""
        return GRADES[self.value]


# Red for what means "do not pay", amber for a failed condition, green only for the whitelist.
GRADES = {"blacklisted": "danger", "revoked": "danger", "unlicensed": "danger", "closed": "danger",
          "penalised": "warn", "expired": "warn", "suspended": "warn", "not_on_platform": "warn",
          "not_inspected": "warn", "not_whitelisted": "warn",
          "whitelisted": "ok"}


class RegistrationType(LabelledEnum):
    BUSINESS = "business", _l("Business registration (market regulation)")
    CIVIL = "civil", _l("Private non-enterprise unit (civil affairs)")
    NONE = "none", _l("Not registered")


class AnnualInspection(LabelledEnum):
    """The result of the last annual inspection (年检)."""
    PASSED = "passed", _l("Passed")
    FAILED = "failed", _l("Not passed")
    NOT_INSPECTED = "not_inspected", _l("Not inspected")


class Institution(Base):
    """A training institution as the registry knows it; unlicensed operators included."""

    __tablename__ = "institutions"
    __table_args__ = (
        CheckConstraint("uscc IS NULL OR length(uscc) = 18", name="uscc_length"),
        CheckConstraint("licence_status = 'none' OR licence_number IS NOT NULL", name="licence_number"),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[InstitutionKind] = mapped_column(value_enum(InstitutionKind, 16))
    licence_number: Mapped[str | None] = mapped_column(String(64))
    licence_status: Mapped[LicenceStatus] = mapped_column(value_enum(LicenceStatus, 16))
    registration_type: Mapped[RegistrationType] = mapped_column(value_enum(RegistrationType, 16))
    on_national_platform: Mapped[bool] = mapped_column(Boolean, default=False)
    annual_inspection: Mapped[AnnualInspection] = mapped_column(value_enum(AnnualInspection, 16),
                                                                default=AnnualInspection.NOT_INSPECTED)
    annual_inspection_year: Mapped[int | None] = mapped_column(Integer)
    # Kept by registry officers (portal/registry); every change keeps the earlier version there.
    former_names: Mapped[str] = mapped_column(Text, default="")  # one per line, newest first
    licence_issuer: Mapped[str] = mapped_column(String(200), default="")
    licence_valid_from: Mapped[dt.date | None] = mapped_column(Date)
    # The licence counts as expired from the day after this date, without anyone acting.
    licence_valid_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    registration_number: Mapped[str] = mapped_column(String(64), default="")
    legal_representative: Mapped[str] = mapped_column(String(50), default="")
    # The registered contact (联系人) the office reaches about disputes (portal/institution_answers):
    # kept by registry officers, recorded in the versions, never shown publicly.
    contact_person: Mapped[str] = mapped_column(String(50), default="")
    contact_mobile: Mapped[str] = mapped_column(String(11), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    platform_number: Mapped[str] = mapped_column(String(64), default="")
    platform_registered_on: Mapped[dt.date | None] = mapped_column(Date)
    supervising_bank: Mapped[str] = mapped_column(String(100), default="")
    fee_account_supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    filed_prices: Mapped[str] = mapped_column(Text, default="")  # as filed (收费备案), one item per line
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closure_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # raised by each edit; a stale form is refused
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    region: Mapped[Region] = relationship(lazy="raise")
    premises: Mapped[list["Premises"]] = relationship(lazy="raise", order_by="Premises.position",
                                                      cascade="all, delete-orphan")
    # Filled by queries that ask for them (with_expression(Institution.whitelisted, ...)); None otherwise.
    whitelisted: Mapped[bool | None] = query_expression()
    standing_value: Mapped[str | None] = query_expression()

    @validates("uscc")
    def _check_uscc(self, _key: str, value: str | None) -> str | None:
        """Every stored code passes the GB 32100 check; the national "no code" placeholder is None."""
        return normalise_uscc(value)

    def licence_on(self, day: dt.date) -> LicenceStatus:
        """The licence's state on `day`: a valid licence past its last day is expired."""
        if self.licence_status is LicenceStatus.VALID and self.licence_valid_until is not None \
                and self.licence_valid_until < day:
            return LicenceStatus.EXPIRED
        return self.licence_status

    @property
    def licence_now(self) -> LicenceStatus:
        return self.licence_on(clock.today())

    @property
    def is_licensed(self) -> bool:
        """Licensed to run training now (a valid licence not past its last day, not closed)."""
        return self.licence_now is LicenceStatus.VALID and self.closed_on is None

    @property
    def licence_severity(self) -> str:
        """How strongly the licence status should warn a parent: ok, warn or danger."""
        return LICENCE_SEVERITY[self.licence_now.value]

    @property
    def standing(self) -> Standing | None:
        """The graded standing, when the query asked for it (`whitelist.with_standing`)."""
        return Standing(self.standing_value) if self.standing_value else None

    @property
    def former_name_list(self) -> list[str]:
        return [line for line in self.former_names.splitlines() if line.strip()]

    @property
    def filed_price_list(self) -> list[str]:
        return [line for line in self.filed_prices.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Institution {self.id} {self.uscc or '-'}>"



class Premises(Base):
    """A place where the institution trains (培训场所); an institution may have several, each in a county."""

    __tablename__ = "institution_premises"

    id: Mapped[intpk]
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    address: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)


class InspectionRecord(Base):
    """One year's annual inspection (年检) result; the latest year's feeds the whitelist."""

    __tablename__ = "annual_inspections"
    __table_args__ = (UniqueConstraint("institution_id", "year", name="one_per_year"),)

    id: Mapped[intpk]
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    result: Mapped[AnnualInspection] = mapped_column(value_enum(AnnualInspection, 16))
    inspected_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the command line
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


# The name index follows the names on every write path (demo data, imports, staff edits), so a
# renamed institution is found by its new name at once and never by its old one.
DEFERRED_INDEX = "portal.institutions.deferred_name_index"


@contextmanager
def names_indexed_together(connection) -> Iterator[None]:
    """Inside it, institutions inserted on `connection` are added to the name index in one batch
    at the end (a bulk import), not one statement pair per row."""
    connection.info[DEFERRED_INDEX] = []
    try:
        yield
    finally:
        grams.replace(connection, GRAM_KIND, connection.info.pop(DEFERRED_INDEX))


@event.listens_for(Institution, "after_insert")
def _index_name(_mapper, connection, target: Institution) -> None:
    deferred = connection.info.get(DEFERRED_INDEX)
    if deferred is not None:
        deferred.append((target.id, target.name))
        return
    grams.replace(connection, GRAM_KIND, [(target.id, target.name)])


@event.listens_for(Institution, "after_update")
def _reindex_changed_name(_mapper, connection, target: Institution) -> None:
    if inspect(target).attrs.name.history.has_changes():
        grams.replace(connection, GRAM_KIND, [(target.id, target.name)])


@event.listens_for(Institution, "after_delete")
def _forget_name(_mapper, connection, target: Institution) -> None:
    grams.drop(connection, GRAM_KIND, [target.id])
