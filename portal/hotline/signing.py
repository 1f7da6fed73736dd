"""The signature on every request between the portal and a 12345 platform, both ways.

The canonical string is six lines joined by a line feed (no trailing one):

    HOTLINE-HMAC-SHA256
    <method, upper case>
    <path as sent, without the query string>
    <timestamp: Unix seconds, decimal>
    <nonce: 16 to 64 characters of A-Z a-z 0-9 _ ->
    <SHA-256 of the body's bytes, lower-case hex (of nothing for an empty body)>

The signature is HMAC-SHA256 of that string's UTF-8 bytes under the partner's secret (its UTF-8
bytes, as issued), in lower-case hex. It travels in `X-Hotline-Signature`, beside
`X-Hotline-Client`, `X-Hotline-Timestamp` and `X-Hotline-Nonce`. `docs/hotline-12345.md` gives
a worked example, which `tests/hotline/test_signing.py` checks.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SCHEME = "HOTLINE-HMAC-SHA256"
CLIENT, TIMESTAMP, NONCE, SIGNATURE = ("X-Hotline-Client", "X-Hotline-Timestamp", "X-Hotline-Nonce",
                                       "X-Hotline-Signature")
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
TIMESTAMP_PATTERN = re.compile(r"^[0-9]{1,12}$")
SIGNATURE_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The string both sides sign."""
    return "\n".join((SCHEME, method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()))


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The lower-case hex HMAC-SHA256 of the canonical string under the secret."""
    message = canonical(method, path, timestamp, nonce, body).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def matches(secret: str, signature: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bool:
    """Whether the signature is right, compared in constant time."""
    return hmac.compare_digest(sign(secret, method, path, timestamp, nonce, body), signature)


def headers(client_id: str, secret: str, method: str, path: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The four headers of a signed request, with a fresh nonce."""
    nonce = secrets.token_urlsafe(24)
    return {CLIENT: client_id, TIMESTAMP: str(timestamp), NONCE: nonce,
            SIGNATURE: sign(secret, method, path, str(timestamp), nonce, body)}


def new_secret() -> str:
    """A partner's secret: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def new_client_id() -> str:
    """A partner's public client id."""
    return "hl_" + secrets.token_hex(12)
