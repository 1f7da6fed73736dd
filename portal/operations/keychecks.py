"""Do the configured keys open the stored data? Fingerprints recorded in the database, and a
sample of stored data opened with each key, answer it (`flask keys check`, `/readyz`, backups).

Nothing here prints or logs a key or a decrypted value: a sample is opened and thrown away.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from nacl.encoding import HexEncoder
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from portal.accounts.models import User
from portal.casework.models import Attachment, Complaint
from portal.config import read_secret_file
from portal.extensions import db
from portal.operations.models import KeyFingerprint

# The keys stored data depends on, by name, and the setting naming each one's file.
DATA_KEYS = {"pepper": "RECEIPT_PEPPER_FILE", "data_key": "DATA_KEY_FILE",
             "identity_key": "IDENTITY_PUBLIC_KEY_FILE"}
FINGERPRINT_LABEL = b"portal key fingerprint:"


@dataclass(frozen=True)
class KeyStatus:
    """One key: `state` is ok, unrecorded (no fingerprint yet: nothing to compare), missing or
    mismatch; `sample` says what opening stored data showed (opened, none stored, failed, skipped)."""

    name: str
    state: str
    sample: str
    fingerprint: str | None

    @property
    def good(self) -> bool:
        return self.state in ("ok", "unrecorded") and self.sample != "failed"


def fingerprint(name: str, material: bytes) -> str:
    """A short keyed fingerprint of a key: equal keys give equal fingerprints, and it reveals nothing."""
    return hmac.new(material, FINGERPRINT_LABEL + name.encode(), hashlib.sha256).hexdigest()[:32]


def key_material(name: str) -> bytes | None:
    """The configured key's bytes, or None when its file is missing or empty."""
    return read_secret_file(Path(current_app.config[DATA_KEYS[name]]))


def configured_fingerprints() -> dict[str, str | None]:
    """Each data key's fingerprint as configured on this host (None: no key file)."""
    return {name: (fingerprint(name, material) if (material := key_material(name)) else None)
            for name in DATA_KEYS}


def recorded_fingerprints() -> dict[str, str]:
    """The fingerprints the database holds (empty before `keys check` first recorded them)."""
    if not _has_table(KeyFingerprint.__tablename__):
        return {}
    return {row.name: row.fingerprint for row in db.session.scalars(select(KeyFingerprint))}


def _has_table(name: str) -> bool:
    return inspect(db.session.connection()).has_table(name)


def _sample_data_key(material: bytes) -> str:
    box = SecretBox(material, encoder=HexEncoder)
    wrapped = db.session.scalar(select(Attachment.wrapped_key).order_by(Attachment.id.desc()).limit(1))
    if wrapped is None:
        wrapped = db.session.scalar(select(Complaint.notify_email_encrypted).where(
            Complaint.notify_email_encrypted.is_not(None)).order_by(Complaint.id.desc()).limit(1))
    if wrapped is None:
        wrapped = db.session.scalar(select(User.totp_secret).where(User.totp_secret.is_not(None))
                                    .order_by(User.id.desc()).limit(1))
    if wrapped is None:
        return "none stored"
    try:
        box.decrypt(wrapped)
    except CryptoError:
        return "failed"
    return "opened"


def _sample_identity_key(public: bytes) -> str:
    private_material = read_secret_file(Path(current_app.config["IDENTITY_PRIVATE_KEY_FILE"]))
    if private_material is None:
        return "skipped"  # web hosts do not hold the private key; the fingerprint still speaks
    private = PrivateKey(private_material, encoder=HexEncoder)
    if private.public_key.encode(HexEncoder) != public:
        return "failed"
    sealed = db.session.scalar(select(Complaint.reporter_sealed).where(Complaint.reporter_sealed.is_not(None))
                               .order_by(Complaint.id.desc()).limit(1))
    if sealed is None:
        return "none stored"
    try:
        SealedBox(private).decrypt(sealed)
    except CryptoError:
        return "failed"
    return "opened"


def check() -> list[KeyStatus]:
    """Compare each configured data key with the recorded fingerprint and open a sample with it."""
    recorded = recorded_fingerprints()
    statuses = []
    for name in DATA_KEYS:
        material = key_material(name)
        if material is None:
            statuses.append(KeyStatus(name, "missing", "skipped", None))
            continue
        current = fingerprint(name, material)
        state = "unrecorded" if name not in recorded else ("ok" if recorded[name] == current else "mismatch")
        if name == "data_key":
            sample = _sample_data_key(material)
        elif name == "identity_key":
            sample = _sample_identity_key(material)
        else:
            sample = "skipped"  # a keyed hash has nothing to open; the fingerprint is the proof
        statuses.append(KeyStatus(name, state, sample, current))
    return statuses


def record(statuses: list[KeyStatus]) -> list[str]:
    """Record the fingerprints not yet recorded, for keys that passed; the names recorded."""
    added = []
    for status in statuses:
        if status.state == "unrecorded" and status.good and status.fingerprint:
            db.session.add(KeyFingerprint(name=status.name, fingerprint=status.fingerprint))
            added.append(status.name)
    db.session.flush()
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
