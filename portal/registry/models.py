"""The registry's own records: every version of an institution, and imports waiting for a second person."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp


class Source(LabelledEnum):
    """Where a version of an institution came from."""
    STAFF = "staff", _l("Entered by a registry officer")
    IMPORT = "import", _l("Bulk import")
    COMMAND = "command", _l("Command line")
    KNOWN_OPERATOR = "known_operator", _l("Added as an operator named on the blacklist")
    EARLIER = "earlier", _l("As registered before versions were kept")


class InstitutionVersion(Base):
    """One version of an institution's registry facts, as JSON; versions are never changed or deleted."""

    __tablename__ = "institution_versions"
    __table_args__ = (UniqueConstraint("institution_id", "version", name="one_per_version"),)

    id: Mapped[intpk]
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    facts: Mapped[str] = mapped_column(Text)  # canonical JSON of service.FIELDS and the premises
    source: Mapped[Source] = mapped_column(value_enum(Source, 16))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    changed_by: Mapped[User | None] = relationship(lazy="raise")


class ImportState(LabelledEnum):
    DRAFT = "draft", _lp("registry import", "Checked, not yet submitted")
    WAITING = "waiting", _l("Waiting for a second officer")
    APPLIED = "applied", _lp("registry import", "Applied")
    REFUSED = "refused", _lp("registry import", "Refused")
    WITHDRAWN = "withdrawn", _lp("registry import", "Withdrawn")


class RegistryImport(Base):
    """A checked file of institutions, previewed and submitted by one officer, applied by another.

    The rows are kept as they were checked (JSON), so what the second officer approves is exactly
    what the preview showed; the apply step compares each row again with the registry of that
    moment and refuses rows whose institution changed since the preview."""

    __tablename__ = "registry_imports"
    __table_args__ = (
        CheckConstraint("decided_by_id IS NULL OR decided_by_id <> submitted_by_id", name="four_eyes"),
    )

    id: Mapped[intpk]
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the submitter's jurisdiction
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[str] = mapped_column(Text)  # JSON: the valid rows with their planned change
    summary: Mapped[str] = mapped_column(Text)  # JSON: counts of new, changed, unchanged
    state: Mapped[ImportState] = mapped_column(value_enum(ImportState, 16), default=ImportState.DRAFT, index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]

    submitted_by: Mapped[User] = relationship(lazy="raise", foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[decided_by_id])
