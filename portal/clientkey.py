"""Rate-limit keys: a keyed hash of the client address, so no address is stored or logged."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request


def client_key() -> str:
    """Return a stable, non-reversible key for the requesting client."""
    address = (request.remote_addr or "unknown").encode()
    secret = current_app.config.get("SECRET_KEY") or b""
    if isinstance(secret, str):
        secret = secret.encode()
    digest = hmac.new(secret, b"client:" + address, hashlib.sha256).hexdigest()
    return digest[:32]
