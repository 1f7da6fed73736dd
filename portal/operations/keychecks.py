"""Do the configured keys open the stored data? Fingerprints recorded in the database, and a
sample of stored data opened with each key, answer it (`flask keys check`, `/readyz`, backups).

Key files hold rings (`portal.security.keyring`): a host is right when its ring holds the key
recorded as current, and its keys open the newest stored sample. Nothing here prints or logs a
key or a decrypted value: a sample is opened and thrown away.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from portal.accounts.models import User
from portal.casework.models import Attachment, Complaint
from portal.extensions import db
from portal.security import crypto, keyring
from portal.security.keyring import KeyFingerprint

# The keys stored data depends on, by name, and the setting naming each one's file.
DATA_KEYS = keyring.FILES


@dataclass(frozen=True)
class KeyStatus:
    """One key: `state` is ok, unrecorded (no fingerprint yet: nothing to compare), missing or
    mismatch (the recorded current key is not in this host's file); `sample` says what opening
    stored data showed (opened, matched, none stored, failed, skipped)."""

    name: str
    state: str
    sample: str
    fingerprint: str | None

    @property
    def good(self) -> bool:
        return self.state in ("ok", "unrecorded") and self.sample != "failed"


def key_material(name: str) -> bytes | None:
    """The configured key file's content (every key of its ring), or None when missing or empty."""
    keys = keyring.ring(name)
    return b"\n".join(key.material for key in keys) if keys else None


def configured_fingerprints() -> dict[str, str | None]:
    """Each data key's current fingerprint on this host (None: no key file, or the recorded
    current key is not in it)."""
    found = {}
    for name in DATA_KEYS:
        try:
            found[name] = keyring.current(name).fingerprint
        except keyring.KeyUnavailable:
            found[name] = None
    return found


def configured_rings() -> dict[str, set[str]]:
    """Every fingerprint each key file of this host holds."""
    return {name: {key.fingerprint for key in keyring.ring(name)} for name in DATA_KEYS}


def recorded_fingerprints() -> dict[str, str]:
    """The fingerprints the database holds (empty before `keys check` first recorded them)."""
    if not _has_table(KeyFingerprint.__tablename__):
        return {}
    return {row.name: row.fingerprint for row in db.session.scalars(select(KeyFingerprint))}


def _has_table(name: str) -> bool:
    return inspect(db.session.connection()).has_table(name)


def _sample_data_key() -> str:
    wrapped = db.session.scalar(select(Attachment.wrapped_key).order_by(Attachment.id.desc()).limit(1))
    if wrapped is None:
        wrapped = db.session.scalar(select(Complaint.notify_contact_encrypted).where(
            Complaint.notify_contact_encrypted.is_not(None)).order_by(Complaint.id.desc()).limit(1))
    if wrapped is None:
        wrapped = db.session.scalar(select(User.totp_secret).where(User.totp_secret.is_not(None))
                                    .order_by(User.id.desc()).limit(1))
    if wrapped is None:
        return "none stored"
    return "opened" if crypto.data_key_opens(wrapped) else "failed"


def _sample_identity_key(current: keyring.Key) -> str:
    privates = keyring.private_ring()
    if not privates:
        return "skipped"  # web hosts do not hold the private key; the fingerprint still speaks
    if current.fingerprint not in {key.fingerprint for key, _ in privates}:
        return "failed"  # the private key of the current public key is not here
    sealed = db.session.scalar(select(Complaint.reporter_sealed).where(Complaint.reporter_sealed.is_not(None))
                               .order_by(Complaint.id.desc()).limit(1))
    if sealed is None:
        return "none stored"
    return "opened" if crypto.identity_key_opens(sealed) else "failed"


def _sample_pepper(ring: set[str]) -> str:
    version = db.session.scalar(select(Complaint.receipt_pepper).order_by(Complaint.id.desc()).limit(1))
    if version is None:
        return "skipped"  # a keyed hash has nothing to open; the fingerprint is the proof
    return "matched" if version in ring else "failed"


def check() -> list[KeyStatus]:
    """Compare each configured key ring with the recorded current fingerprint and open a sample."""
    keyring.forget_recorded()
    recorded = recorded_fingerprints()
    statuses = []
    for name in DATA_KEYS:
        keys = keyring.ring(name)
        if not keys:
            statuses.append(KeyStatus(name, "missing", "skipped", None))
            continue
        ring = {key.fingerprint for key in keys}
        if name not in recorded:
            state, current = "unrecorded", keys[0]
        elif recorded[name] in ring:
            state, current = "ok", next(key for key in keys if key.fingerprint == recorded[name])
        else:
            statuses.append(KeyStatus(name, "mismatch", "skipped", keys[0].fingerprint))
            continue
        if name == "data_key":
            sample = _sample_data_key()
        elif name == "identity_key":
            sample = _sample_identity_key(current)
        else:
            sample = _sample_pepper(ring)
        statuses.append(KeyStatus(name, state, sample, current.fingerprint))
    return statuses


def record(statuses: list[KeyStatus]) -> list[str]:
    """Record the fingerprints not yet recorded, for keys that passed; the names recorded."""
    added = []
    for status in statuses:
        if status.state == "unrecorded" and status.good and status.fingerprint:
            db.session.add(KeyFingerprint(name=status.name, fingerprint=status.fingerprint))
            added.append(status.name)
    db.session.flush()
    keyring.forget_recorded()
    return added


def data_depending_on_keys() -> bool:
    """Whether the database holds anything a new pepper, data key or identity key would orphan."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return False  # a SQLite file not made yet (a fresh checkout's `make run`): nothing to lose
    if not _has_table(Complaint.__tablename__):
        return False  # no schema yet: nothing to lose
    if recorded_fingerprints():
        return True
    return any(db.session.scalar(select(column).where(column.is_not(None)).limit(1)) is not None
               for column in (Complaint.id, Attachment.id, User.totp_secret))
