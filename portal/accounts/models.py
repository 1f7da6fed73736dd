"""Accounts of the people who work in the back office and the supervisors' workspace."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrator")
    HANDLER = "handler", _l("Enforcement officer (case handler)")
    REVIEWER = "reviewer", _l("Legal reviewer")
    CUSTODIAN = "custodian", _l("Identity custodian")
    SUPERVISOR = "supervisor", _lp("role", "Social supervisor")


# Formal actions show who decided and their enforcement certificate number (执法证号).
CERTIFIED_ROLES = (Role.HANDLER, Role.REVIEWER)
# Roles that approve what another person asked for (a reveal, a legal review) or manage accounts:
# making or resetting such an account needs a second administrator, from the level above.
PRIVILEGED_ROLES = (Role.ADMIN, Role.REVIEWER, Role.CUSTODIAN)


class User(UserMixin, Base):
    """One person's account, bound to a jurisdiction (a region and everything inside it)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role NOT IN ('handler', 'reviewer') OR certificate_number IS NOT NULL",
                        name="certificate"),
    )

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[Role] = mapped_column(value_enum(Role, 16))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    certificate_number: Mapped[str | None] = mapped_column(String(32))
    # Where the back office sends this person's notifications (new cases, deadlines); optional.
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    # When a one-time password (new account, reset) stops working; None once the person chose their own.
    password_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted under the data key
    totp_enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The last TOTP time step accepted: a code is good once, never again.
    last_totp_step: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The head of the office (本机关负责人) of this jurisdiction: approves what the law reserves to
    # them, such as extending a case's time limit (信访工作条例 art. 34). Granted by an administrator.
    office_head: Mapped[bool] = mapped_column(Boolean, default=False)
    # Keeps the registry of institutions of this jurisdiction (portal/registry). Granted by an administrator.
    registry_officer: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on logout, password change and disabling: older sessions carry an older number.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # When the account's powers were last given (created, reset, made head of the office): it
    # approves a reveal only once PRIVILEGE_WAITING_HOURS have passed since.
    privileged_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]

    @property
    def is_active(self) -> bool:
        return self.active


class RecoveryCode(Base):
    """A one-time code for signing in without the authenticator; stored as a keyed hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
