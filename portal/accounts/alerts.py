"""Telling an account's owner that someone is entering wrong authenticator codes for it: whoever
does knows the password. At the next sign-in on the page (counted from the audit trail), and by
whatever a package above registers with `add_alert` (mail through the outbox, `deliveries/`),
written in the same transaction as the failed attempt's audit record."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.security.audit import AuditRecord

FAILED = "user.second_factor_failed"
SIGNED_IN = "user.signed_in"
FIRST_ALERT = 5  # the first lock-out of the shared allowance; then each time the count doubles
EXTENSION = "portal.second_factor_alerts"


def add_alert(app: Flask, alert: Callable[[User, int], None]) -> None:
    """Let a package above tell the owner (`alert(user, failures since the last sign-in)`)."""
    app.extensions.setdefault(EXTENSION, []).append(alert)


def failures_since_sign_in(user: User) -> int:
    """Wrong authenticator or recovery codes entered for the account since it last signed in."""
    mine = (AuditRecord.object_type == "user", AuditRecord.object_id == str(user.id))
    last = db.session.scalar(select(func.max(AuditRecord.id)).where(AuditRecord.action == SIGNED_IN, *mine))
    return db.session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == FAILED, AuditRecord.id > (last or 0), *mine))


def due(count: int) -> bool:
    """Whether this many failures call for a message: at 5, then at 10, 20, 40…"""
    times, rest = divmod(count, FIRST_ALERT)
    return rest == 0 and times > 0 and times & (times - 1) == 0


def second_factor_failed(user: User) -> None:
    """After a wrong code was recorded: tell the owner when the failures reach the next step."""
    count = failures_since_sign_in(user)
    if due(count):
        for alert in current_app.extensions.get(EXTENSION, []):
            alert(user, count)
