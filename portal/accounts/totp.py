"""Time-based one-time passwords (RFC 6238) with replay protection, and recovery codes."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp

ISSUER = "校外培训监管服务平台"
VALID_WINDOW = 1  # one 30-second step either side, for clocks that drift
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_secret() -> str:
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code this is (within the window), or None."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like `K7M4-9QXD`, shown once."""
    return ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) + "-" +
            "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(RECOVERY_CODES)]


def recovery_digest(code: str, pepper: bytes) -> str:
    canonical = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return hmac.new(pepper, b"recovery:" + canonical.encode(), hashlib.sha256).hexdigest()
