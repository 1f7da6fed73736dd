"""Institutions and their licensing facts."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, validates

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
    EXPIRED = "expired", _l("Licence expired")
    SUSPENDED = "suspended", _lp("licence state", "Licence suspended")
    REVOKED = "revoked", _lp("licence state", "Licence revoked")
    NONE = "none", _l("No school-running licence")


LICENCE_SEVERITY = {"valid": "ok", "expired": "warn", "suspended": "warn", "revoked": "danger", "none": "danger"}


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
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    region: Mapped[Region] = relationship(lazy="raise")
    # Filled by queries that ask for it (with_expression(Institution.whitelisted, ...)); None otherwise.
    whitelisted: Mapped[bool | None] = query_expression()

    @validates("uscc")
    def _check_uscc(self, _key: str, value: str | None) -> str | None:
        """Every stored code passes the GB 32100 check; the national "no code" placeholder is None."""
        return normalise_uscc(value)

    @property
    def is_licensed(self) -> bool:
        """Licensed to run training now."""
        return self.licence_status is LicenceStatus.VALID

    @property
    def licence_severity(self) -> str:
        """How strongly the licence status should warn a parent: ok, warn or danger."""
        return LICENCE_SEVERITY[self.licence_status.value]

    def __repr__(self) -> str:
        return f"<Institution {self.id} {self.uscc or '-'}>"



# The name index follows the names on every write path (demo data, imports, staff edits), so a
# renamed institution is found by its new name at once and never by its old one.
@event.listens_for(Institution, "after_insert")
def _index_name(_mapper, connection, target: Institution) -> None:
    grams.replace(connection, GRAM_KIND, [(target.id, target.name)])


@event.listens_for(Institution, "after_update")
def _reindex_changed_name(_mapper, connection, target: Institution) -> None:
    if inspect(target).attrs.name.history.has_changes():
        grams.replace(connection, GRAM_KIND, [(target.id, target.name)])


@event.listens_for(Institution, "after_delete")
def _forget_name(_mapper, connection, target: Institution) -> None:
    grams.drop(connection, GRAM_KIND, [target.id])
