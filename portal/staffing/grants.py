"""Four eyes on the powers that check other people's work.

One administrator asks (a new administrator, reviewer or custodian account, a reset of one, the
head-of-office permission); a second administrator, from a jurisdiction wider than the asker's,
approves or refuses. A new or reset account is inactive until approved, and its one-time password
comes in two halves: the asker sees the first when asking, the approver the second when approving,
and the person types both. So no single administrator can make an account they can sign in as
and that can approve a reveal. Where no administrator sits above the asker (the top of the
hierarchy), another administrator of the same jurisdiction decides.

A newly empowered account approves a reveal only after PRIVILEGE_WAITING_HOURS (`settled`).
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts import passwords
from portal.accounts.models import PRIVILEGED_ROLES, RecoveryCode, Role, User
from portal.accounts.service import ONE_TIME_PASSWORD_LIFETIME, NotYoursToManage, covers, create_user, end_sessions
from portal.errors import NotFound
from portal.extensions import db
from portal.regions import service as regions
from portal.security import audit, crypto
from portal.staffing.models import GrantKind, GrantState, PrivilegeGrant

HALF_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed by hand
HALF_LENGTH = 10


class GrantNotFound(NotFound):
    """No such request, or not one this administrator may see."""


class PendingAlready(NotYoursToManage):
    """The account already has a request waiting for a second administrator."""


def _half() -> str:
    return "".join(secrets.choice(HALF_ALPHABET) for _ in range(HALF_LENGTH))


def needs_approval(role: Role) -> bool:
    """Whether making or resetting an account of this role needs a second administrator."""
    return role in PRIVILEGED_ROLES


def settled_from(user: User) -> dt.datetime:
    """When the waiting period after the account's powers were given ends."""
    hours = current_app.config.get("PRIVILEGE_WAITING_HOURS", 72)
    return (user.privileged_since or user.created_at or clock.now()) + dt.timedelta(hours=hours)


def settled(user: User, now: dt.datetime | None = None) -> bool:
    """Whether the account's powers are older than the waiting period (a reveal may be approved)."""
    return (now or clock.now()) >= settled_from(user)


def _pending(user: User) -> PrivilegeGrant | None:
    return db.session.scalar(select(PrivilegeGrant).where(
        PrivilegeGrant.user_id == user.id, PrivilegeGrant.state == GrantState.PENDING))


def _ask(admin: User, user: User, kind: GrantKind, reason: str, first_half: str | None) -> PrivilegeGrant:
    if _pending(user) is not None:
        raise PendingAlready(user.id)
    grant = PrivilegeGrant(kind=kind, user_id=user.id, region_code=user.region_code, requested_by_id=admin.id,
                           reason=reason.strip(), first_half=crypto.encrypt_text(first_half) if first_half else None)
    db.session.add(grant)
    db.session.flush()
    audit.record(f"user:{admin.id}", "grant.requested", "user", user.id, reason=reason,
                 after={"grant": grant.id, "kind": kind.value})
    return grant


def request_account(admin: User, username: str, display_name: str, role: Role, region_code: str,
                    certificate_number: str | None, email: str, reason: str) -> tuple[User, str]:
    """A new privileged account, inactive until a second administrator approves; returns it and
    the first half of its one-time password (shown once, to the asker)."""
    user, _ = create_user(username, display_name, role, region_code, certificate_number,
                          actor=f"user:{admin.id}", email=email)
    user.active = False
    first = _half()
    user.password_hash = passwords.hash_password(secrets.token_urlsafe(32))  # nobody knows it
    _ask(admin, user, GrantKind.NEW_ACCOUNT, reason, first)
    return user, first


def request_reset(admin: User, user: User, reason: str) -> str:
    """Reset a privileged account: it is closed at once (sessions end, password and authenticator
    gone) and opens again only when a second administrator approves; returns the first half."""
    if _pending(user) is not None:
        raise PendingAlready(user.id)
    user.password_hash = passwords.hash_password(secrets.token_urlsafe(32))
    user.must_change_password = True
    user.totp_secret, user.totp_enrolled_at, user.last_totp_step = None, None, None
    user.active = False
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    end_sessions(user)
    audit.record(f"user:{admin.id}", "user.reset", "user", user.id, reason=reason)
    first = _half()
    _ask(admin, user, GrantKind.RESET, reason, first)
    return first


def request_office_head(admin: User, user: User, reason: str) -> PrivilegeGrant:
    """Ask for the head-of-office permission; it holds only once a second administrator approves."""
    return _ask(admin, user, GrantKind.OFFICE_HEAD, reason, None)


def _above(region_code: str) -> list[User]:
    """Active administrators whose jurisdiction is wider than `region_code` and contains it."""
    admins = db.session.scalars(select(User).where(User.role == Role.ADMIN, User.active.is_(True)))
    return [admin for admin in admins if admin.region_code != region_code and covers(admin, region_code)]


def may_decide(admin: User, grant: PrivilegeGrant) -> bool:
    """An active administrator other than the asker and the account, from a jurisdiction wider
    than the asker's (or, at the top, the same one) that contains the account."""
    asker = grant.requested_by
    if not (admin.active and admin.role is Role.ADMIN and grant.state is GrantState.PENDING
            and admin.id not in (asker.id, grant.user_id) and covers(admin, grant.region_code)):
        return False
    if admin.region_code != asker.region_code and covers(admin, asker.region_code):
        return True
    return admin.region_code == asker.region_code and not _above(asker.region_code)


def _loaded():
    return (selectinload(PrivilegeGrant.user), selectinload(PrivilegeGrant.requested_by),
            selectinload(PrivilegeGrant.decided_by))


def waiting_for(admin: User) -> list[PrivilegeGrant]:
    """The requests this administrator may decide, oldest first."""
    prefix = regions.get(admin.region_code).scope_prefix
    found = db.session.scalars(select(PrivilegeGrant).where(
        PrivilegeGrant.state == GrantState.PENDING, PrivilegeGrant.region_code.startswith(prefix))
        .options(*_loaded()).order_by(PrivilegeGrant.id))
    return [grant for grant in found if may_decide(admin, grant)]


def on_account(user: User) -> list[PrivilegeGrant]:
    """Every request on an account, newest first."""
    return list(db.session.scalars(select(PrivilegeGrant).where(PrivilegeGrant.user_id == user.id)
                                   .options(*_loaded()).order_by(PrivilegeGrant.id.desc())))


def get(admin: User, grant_id: int) -> PrivilegeGrant:
    """A request on an account inside the administrator's jurisdiction (else not found)."""
    grant = db.session.scalar(select(PrivilegeGrant).where(PrivilegeGrant.id == grant_id).options(*_loaded())) \
        if 0 < grant_id < 2**31 else None
    if grant is None or not covers(admin, grant.region_code):
        raise GrantNotFound(grant_id)
    return grant


def decide(admin: User, grant: PrivilegeGrant, approve: bool, note: str,
           now: dt.datetime | None = None) -> str | None:
    """Approve or refuse; an approved account gets its second half, returned (shown once, to the
    approver). Refused: a new or reset account stays closed."""
    grant = db.session.scalar(select(PrivilegeGrant).where(PrivilegeGrant.id == grant.id)
                              .options(*_loaded()).with_for_update())  # two approvers at once
    if not may_decide(admin, grant):
        raise NotYoursToManage(grant.user_id)
    now = now or clock.now()
    user = grant.user
    second = None
    if approve and grant.kind is GrantKind.OFFICE_HEAD:
        user.office_head = True
    elif approve:
        second = _half()
        user.password_hash = passwords.hash_password(crypto.decrypt_text(grant.first_half) + second)
        user.must_change_password, user.active = True, True
        user.password_expires_at = now + ONE_TIME_PASSWORD_LIFETIME  # from the approval, not the asking
    if approve:
        user.privileged_since = now
    grant.state = GrantState.APPROVED if approve else GrantState.REFUSED
    grant.decided_by_id, grant.decided_at, grant.decision_note, grant.first_half = admin.id, now, note.strip(), None
    db.session.flush()
    audit.record(f"user:{admin.id}", "grant.approved" if approve else "grant.refused", "user", user.id, at=now,
                 reason=note, after={"grant": grant.id, "kind": grant.kind.value, "asked_by": grant.requested_by_id})
    if approve and grant.kind is GrantKind.OFFICE_HEAD:
        audit.record(f"user:{admin.id}", "user.office_head_granted", "user", user.id, at=now, reason=grant.reason,
                     before={"office_head": False}, after={"office_head": True, "asked_by": grant.requested_by_id})
    return second
