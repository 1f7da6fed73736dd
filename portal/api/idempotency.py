"""Filing a complaint through the API once per Idempotency-Key: a retry of the same complaint
with the same key gets the first answer, the same key for another complaint is refused, and no
key makes every request a new complaint."""
from __future__ import annotations

import datetime as dt
import re
import secrets

from portal.errors import Conflict, Invalid, PortalError
from portal.intake import filing

KEY = re.compile(r"^[\x21-\x7e]{16,128}$")


class KeyMalformed(PortalError):
    """The Idempotency-Key is not 16 to 128 visible ASCII characters (a bad request, 400)."""


class KeyReused(Invalid):
    """The key was used before for a different complaint (or the same one from someone else)."""


class AlreadyFiled(Conflict):
    """The key's complaint was filed too long ago for its receipt to be shown again."""


def form_token(key: str | None, client: str) -> str:
    """The one-time form token a request files under: its client's key, or a fresh token."""
    if key is None:
        return secrets.token_urlsafe(32)  # no key: every request is a new complaint
    if not KEY.match(key):
        raise KeyMalformed(key[:8])
    # Keys are chosen by clients: one client's key means nothing for another's request, so a
    # guessed or reused key can neither fetch someone else's receipt nor block their complaint.
    return f"api:{client}:{key}"


def file_once(draft: filing.Draft, token: str, received_on: dt.date, now: dt.datetime) -> filing.Filed:
    """File the complaint under `token`, or give a true retry the first receipt again. Raises
    KeyReused for different content under a used token, and AlreadyFiled when the first receipt
    can no longer be shown (its stored copy is then cleared: the caller keeps that change)."""
    existing = filing.find_by_form_token(token)
    if existing is not None and existing.form_digest != filing.form_digest(draft):
        raise KeyReused()
    try:
        return filing.file_complaint(draft, token, received_on, now, same_session=True)
    except filing.FormAlreadyUsed as exc:
        raise AlreadyFiled(*exc.args) from exc
