"""Sign-in throttling that a stranger cannot turn against the owner of an account.

Wrong passwords and wrong authenticator codes are counted per account, wherever they come from,
so guessing is as slow with a thousand addresses as with one. What a stranger's failures lock,
though, is only the account's *shared* allowance: the one of every browser the account has not
been signed in from. A browser where the account completed a sign-in (password and code) carries
a signed device cookie naming that account, and counts its own failures in its own allowance
(OWASP's "device cookies"). So someone who knows a username can keep strangers out of it but
never its owner on a browser they have used before; an attacker's worst case stays
LIMIT_SIGN_IN_ACCOUNT (5 wrong passwords in 15 minutes) per account, as before.

The authenticator step has its own shared allowance with a second, slower stage
(LIMIT_SECOND_FACTOR_ACCOUNT: 5 in 15 minutes, then 10 in a day), and the owner is told (mail
and a notice at the next sign-in) when wrong codes mount up: whoever enters them knows the
password.

Counts live in the limiter's storage (Redis in production), like every other limit.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import Response, after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many

from portal.extensions import limiter
from portal.ratelimits import Refused, refused_until
from portal.text import clean_text

PASSWORD = "sign-in"
SECOND_FACTOR = "second-factor"
DEVICE_COOKIE = "sign_in_devices"
DEVICE_DAYS = 90
MAX_DEVICES = 5  # accounts one browser remembers (a shared office computer)



def account_key(username: str | None) -> str:
    """The account as the counters know it: its name normalised exactly as the form does, so
    invisible characters or capitals cannot make a fresh counter; hashed, never stored as typed."""
    name = clean_text(username).lower()
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="sign-in-devices")


def _devices() -> dict[str, str]:
    """The accounts this browser completed a sign-in for, each with its device number."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        found = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return {}
    return found if isinstance(found, dict) else {}


def device(account: str) -> str | None:
    """This browser's device number for the account, if it completed a sign-in to it here."""
    value = _devices().get(account)
    return value if isinstance(value, str) else None


def remember_device(account: str) -> None:
    """After a complete sign-in: this browser is one the account uses (cookie set on the answer)."""
    devices = {key: value for key, value in _devices().items() if key != account}
    kept = dict(list(devices.items())[-(MAX_DEVICES - 1):])
    kept[account] = device(account) or secrets.token_urlsafe(16)
    value = _serializer().dumps(kept)

    @after_this_request
    def _set(response: Response) -> Response:
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, path="/login",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
        return response


def _bucket(step: str, account: str) -> tuple[str, list[str]]:
    """The limit and the counter an attempt at `step` for `account` from this browser uses."""
    config = current_app.config
    prefix = config.get("RATELIMIT_KEY_PREFIX") or "portal"
    own = device(account)
    if own is not None:
        return config["LIMIT_SIGN_IN_DEVICE"], [prefix, step, "device", account, own]
    limit = config["LIMIT_SECOND_FACTOR_ACCOUNT" if step == SECOND_FACTOR else "LIMIT_SIGN_IN_ACCOUNT"]
    return limit, [prefix, step, "account", account]


def refused(step: str, account: str) -> Refused | None:
    """Whether this attempt must wait (checked before the password or code is even looked at)."""
    if not limiter.enabled:
        return None
    limit, args = _bucket(step, account)
    strategy = limiter.limiter
    full = [item for item in parse_many(limit) if not strategy.test(item, *args)]
    if not full:
        return None
    reset = max(strategy.get_window_stats(item, *args).reset_time for item in full)
    return refused_until(reset)


def failed(step: str, account: str) -> None:
    """Count a wrong password or code against the allowance this attempt used."""
    if not limiter.enabled:
        return
    limit, args = _bucket(step, account)
    for item in parse_many(limit):
        limiter.limiter.hit(item, *args)
