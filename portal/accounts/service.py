"""Account rules: creation, passwords, second factor, ending sessions, jurisdiction."""
from __future__ import annotations

import datetime as dt
import re
import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update

from portal import clock
from portal.accounts import passwords, totp
from portal.accounts.models import CERTIFIED_ROLES, RecoveryCode, Role, User
from portal.errors import Invalid, NotAllowed, NotFound
from portal.extensions import db
from portal.regions import service as regions
from portal.security import audit, crypto

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
# A one-time password is handed over in person or by telephone and used at once; after this it is
# refused, and an administrator issues a new one.
ONE_TIME_PASSWORD_LIFETIME = dt.timedelta(days=3)


class AccountError(Invalid):
    """An account could not be created or changed as asked; args[0] names the problem."""


class SignInFailed(NotAllowed):
    """Wrong name, wrong password or a disabled account: one exception, one message for all."""


class SecondFactorFailed(NotAllowed):
    """The authenticator or recovery code was wrong, expired or already used."""


class OneTimePasswordExpired(NotAllowed):
    """The right one-time password, but older than ONE_TIME_PASSWORD_LIFETIME: a new one is needed."""

    def __init__(self, user: User) -> None:
        super().__init__(user.id)
        self.user = user


class WrongPassword(Invalid):
    """The current password given to change it was not right."""


def create_user(username: str, display_name: str, role: Role, region_code: str,
                certificate_number: str | None = None, actor: str = "system", email: str = "") -> tuple[User, str]:
    """A new account with a one-time password, to be changed at first sign-in."""
    if not USERNAME.fullmatch(username or ""):
        raise AccountError("username")
    email = checked_email(email)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError("taken")
    regions.get(region_code)  # raises RegionNotFound for an unknown jurisdiction
    if role in CERTIFIED_ROLES and not certificate_number:
        raise AccountError("certificate")
    one_time = secrets.token_urlsafe(12)
    user = User(username=username, display_name=display_name or username, role=role,
                region_code=region_code, certificate_number=certificate_number or None, email=email,
                password_hash=passwords.hash_password(one_time), must_change_password=True,
                password_expires_at=clock.now() + ONE_TIME_PASSWORD_LIFETIME)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", "user", user.id,
                 after={"username": username, "role": role.value, "region": region_code, "email": email})
    return user, one_time


def checked_email(address: str) -> str:
    """A notification address in its normal form, "" for none; AccountError("email") if invalid."""
    address = (address or "").strip()
    if not address:
        return ""
    try:
        # Plain ASCII addresses only: not every mail server relays internationalised ones.
        return validate_email(address, check_deliverability=False, allow_smtputf8=False).normalized
    except EmailNotValidError as exc:
        raise AccountError("email") from exc


def set_email(user: User, email: str, actor: str) -> None:
    """Change where the account's notifications go (or stop them with "")."""
    email = checked_email(email)
    if email == user.email:
        return
    before, user.email = user.email, email
    db.session.flush()
    audit.record(actor, "user.email_changed", "user", user.id, before={"email": before}, after={"email": email})


def find_user(username: str | None) -> User | None:
    """The account with this (normalised) name, if any."""
    return db.session.scalar(select(User).where(User.username == (username or "").strip().lower()))


def authenticate(username: str, password: str, refuse_demo: bool = False, now: dt.datetime | None = None) -> User:
    """The account for a name and password; every failure raises the same exception.
    Where `refuse_demo` (production), the published demo accounts never sign in. The right
    one-time password past its lifetime raises OneTimePasswordExpired (it was right: nothing is
    told to a guesser)."""
    user = find_user(username)
    if refuse_demo and user is not None and user.username.startswith("demo."):
        user = None
    valid = passwords.verify_password(user.password_hash if user else None, password or "")
    if user is None or not valid or not user.active:
        raise SignInFailed()
    if user.must_change_password and user.password_expires_at and (now or clock.now()) > user.password_expires_at:
        raise OneTimePasswordExpired(user)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def record_failed_sign_in(username: str | None) -> None:
    """Audit a wrong name or password; the account is named only if it exists, since people
    type passwords into the name field."""
    known = find_user(username)
    audit.record("client", "user.sign_in_failed", "user", known.id if known else "unknown")


def record_refused_sign_in(user: User, reason: str) -> None:
    """Audit a right password for an account that may not sign in now (a supervisor outside the term)."""
    audit.record(f"user:{user.id}", "user.sign_in_failed", "user", user.id, after={"reason": reason})


def record_failed_second_factor(user: User) -> None:
    """Audit a wrong authenticator or recovery code."""
    audit.record("client", "user.second_factor_failed", "user", user.id)


def record_signed_in(user: User, factor: str) -> None:
    """Audit a completed sign-in and the factor it used ("totp" or "recovery")."""
    audit.record(f"user:{user.id}", "user.signed_in", "user", user.id, after={"factor": factor})


def sign_out(user: User) -> None:
    """End every session of the account, wherever it was opened."""
    end_sessions(user)
    audit.record(f"user:{user.id}", "user.signed_out", "user", user.id)


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password of the person signed in, who must give the current one first."""
    if not passwords.verify_password(user.password_hash, current_password):
        raise WrongPassword()
    change_password(user, new_password)


def recovery_codes_left(user: User) -> int:
    """How many of the account's recovery codes are still unused."""
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def change_password(user: User, new_password: str) -> None:
    """Set a new password (policy checked) and end every other session of the account."""
    passwords.check_policy(new_password, [user.username, user.display_name])
    user.password_hash = passwords.hash_password(new_password)
    user.must_change_password, user.password_expires_at = False, None
    end_sessions(user)
    audit.record(f"user:{user.id}", "user.password_changed", "user", user.id)


def end_sessions(user: User) -> None:
    """Sessions carry the version they started with; bumping it refuses them all."""
    user.session_version += 1
    db.session.flush()


def disable(user: User, actor: str, reason: str) -> None:
    """Take away access at once, including sessions already open."""
    user.active = False
    end_sessions(user)
    audit.record(actor, "user.disabled", "user", user.id, reason=reason)


def begin_totp(user: User) -> str:
    """A new authenticator secret for enrolment (kept encrypted until confirmed)."""
    secret = totp.new_secret()
    user.totp_secret = crypto.encrypt_text(secret)
    user.totp_enrolled_at = None
    db.session.flush()
    return secret


def totp_secret(user: User) -> str | None:
    return crypto.decrypt_text(user.totp_secret) if user.totp_secret else None


def confirm_totp(user: User, code: str, now: dt.datetime) -> list[str]:
    """Finish enrolment with a first code; returns recovery codes, shown once."""
    if user.totp_enrolled_at is not None or user.must_change_password:
        raise SecondFactorFailed()  # enrolment is once, after the one-time password is gone
    secret = totp_secret(user)
    step = totp.matching_step(secret, code, now) if secret else None
    if step is None or step <= (user.last_totp_step or -1):
        raise SecondFactorFailed()
    user.totp_enrolled_at, user.last_totp_step = now, step
    codes = totp.new_recovery_codes()
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_digest=totp.recovery_digest(code_, crypto.pepper()))
                       for code_ in codes)
    db.session.flush()
    audit.record(f"user:{user.id}", "user.totp_enrolled", "user", user.id, at=now)
    return codes


def verify_second_factor(user: User, code: str, now: dt.datetime) -> str:
    """Accept a fresh authenticator code or an unused recovery code; returns which was used."""
    secret = totp_secret(user)
    step = totp.matching_step(secret, code, now) if secret and user.totp_enrolled_at else None
    if step is not None and step > (user.last_totp_step or -1):
        user.last_totp_step = step
        return "totp"
    # One conditional UPDATE: of two simultaneous uses of a code, only one can mark it used.
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
               RecoveryCode.code_digest.in_([totp.recovery_digest(code, pepper) for pepper in crypto.peppers()]))
        .values(used_at=now).returning(RecoveryCode.id)).first()
    if used is None:
        raise SecondFactorFailed()
    return "recovery"


def covers(user: User, region_code: str) -> bool:
    """True when a record of `region_code` lies inside the user's jurisdiction."""
    return region_code.startswith(regions.get(user.region_code).scope_prefix)


class UserNotFound(NotFound):
    """No such account in the asking administrator's jurisdiction."""


class NotYoursToManage(NotAllowed):
    """The account is yours, or a peer administrator's: someone wider must manage it."""


# Who may be made head of the office: staff who act in the office's name, not supervisors or custodians.
OFFICE_HEAD_ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)


def may_make_office_head(admin: User, user: User) -> bool:
    """An account the administrator may manage (never their own), active, in a role that acts for the office."""
    return user.active and user.role in OFFICE_HEAD_ROLES and may_manage(admin, user)


def set_office_head(admin: User, user: User, granted: bool, reason: str) -> None:
    """Grant or withdraw the office-head permission, with the reason in the audit trail."""
    if not may_make_office_head(admin, user) or user.office_head is granted:
        raise NotYoursToManage(user.id)
    user.office_head = granted
    db.session.flush()
    audit.record(f"user:{admin.id}", "user.office_head_granted" if granted else "user.office_head_withdrawn",
                 "user", user.id, before={"office_head": not granted}, after={"office_head": granted}, reason=reason)


def may_make_registry_officer(admin: User, user: User) -> bool:
    """The same accounts as for the office-head permission: staff who act in the office's name."""
    return may_make_office_head(admin, user)


def set_registry_officer(admin: User, user: User, granted: bool, reason: str) -> None:
    """Grant or withdraw the registry officer permission, with the reason in the audit trail."""
    if not may_make_registry_officer(admin, user) or user.registry_officer is granted:
        raise NotYoursToManage(user.id)
    user.registry_officer = granted
    db.session.flush()
    audit.record(f"user:{admin.id}", "user.registry_officer_granted" if granted else "user.registry_officer_withdrawn",
                 "user", user.id, before={"registry_officer": not granted}, after={"registry_officer": granted},
                 reason=reason)


def users_in_jurisdiction(admin: User) -> list[User]:
    """The accounts an administrator manages: those whose jurisdiction lies inside theirs."""
    prefix = regions.get(admin.region_code).scope_prefix
    return list(db.session.scalars(select(User).where(User.region_code.startswith(prefix))
                                   .order_by(User.active.desc(), User.role, User.username)))


def get_in_jurisdiction(admin: User, user_id: int) -> User:
    """One account, if it lies inside the administrator's jurisdiction (else not found)."""
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or not covers(admin, user.region_code):
        raise UserNotFound(user_id)
    return user


def may_manage(admin: User, user: User) -> bool:
    """Not yourself, and another administrator only from a wider jurisdiction (no peer takeover)."""
    if user.id == admin.id:
        return False
    return user.role is not Role.ADMIN or (covers(admin, user.region_code) and user.region_code != admin.region_code)


def may_set_email(admin: User, user: User) -> bool:
    """Your own address, or that of an account you may manage."""
    return user.id == admin.id or may_manage(admin, user)


def get_to_manage(admin: User, user_id: int) -> User:
    """An account the administrator may disable or reset (UserNotFound, NotYoursToManage)."""
    user = get_in_jurisdiction(admin, user_id)
    if not may_manage(admin, user):
        raise NotYoursToManage(user_id)
    return user


def get_to_set_email(admin: User, user_id: int) -> User:
    """An account whose notification address the administrator may set (own, or one managed)."""
    user = get_in_jurisdiction(admin, user_id)
    if not may_set_email(admin, user):
        raise NotYoursToManage(user_id)
    return user


def reset_credentials(user: User, actor: str, reason: str) -> str:
    """A new one-time password and a new authenticator enrolment; old sessions end."""
    one_time = secrets.token_urlsafe(12)
    user.password_hash = passwords.hash_password(one_time)
    user.must_change_password, user.password_expires_at = True, clock.now() + ONE_TIME_PASSWORD_LIFETIME
    user.totp_secret, user.totp_enrolled_at, user.last_totp_step = None, None, None
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    end_sessions(user)
    audit.record(actor, "user.reset", "user", user.id, reason=reason)
    return one_time
