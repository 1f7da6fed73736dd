"""Versioned keys. Each key file (pepper, data key, identity public and private key) holds one key
per line: a rotation adds a line, and the old keys go on opening what they made.

Which key makes new data is not the file's choice but the database's: the fingerprint recorded as
current (`key_fingerprints`) names it, so every host switches at once when a rotation promotes a
key, and a host whose files lack it is not ready. Before any fingerprint is recorded (a new
installation) the file's first line is current.

Everything the data key or the identity key makes starts with an envelope naming its key: two
marker bytes and the first eight bytes of the key's fingerprint. Data made before keys had
versions has no envelope and is opened by trying each key (an authenticated box opens only with
its own key).

Files are re-read when they change on disk (a rotation on one host, a copied file on another);
the recorded choice is re-read every `KEY_REFRESH_SECONDS`.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import String, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, created_at
from portal.extensions import db

# The keys stored data depends on, by name, and the setting naming each one's file.
FILES = {"pepper": "RECEIPT_PEPPER_FILE", "data_key": "DATA_KEY_FILE", "identity_key": "IDENTITY_PUBLIC_KEY_FILE"}
PRIVATE_IDENTITY = "IDENTITY_PRIVATE_KEY_FILE"
FINGERPRINT_LABEL = b"portal key fingerprint:"
MARKER = b"\xa7\x1e"
TAG_BYTES = 8
ENVELOPE = len(MARKER) + TAG_BYTES


class KeyUnavailable(RuntimeError):
    """A key the operation needs is not configured on this host."""


class KeyFingerprint(Base):
    """HMAC-SHA256(key, a fixed label), shortened: names the current key of each kind, proves a
    host's key is the one the data was written with, and reveals nothing about it."""

    __tablename__ = "key_fingerprints"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # pepper, data_key, identity_key
    fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[created_at]


@dataclass(frozen=True)
class Key:
    """One key of a ring: its line in the file and its fingerprint (its version)."""

    material: bytes
    fingerprint: str

    @property
    def tag(self) -> bytes:
        return bytes.fromhex(self.fingerprint[:2 * TAG_BYTES])


def fingerprint(name: str, material: bytes) -> str:
    """A short keyed fingerprint of a key: equal keys give equal fingerprints, and it reveals nothing."""
    return hmac.new(material, FINGERPRINT_LABEL + name.encode(), hashlib.sha256).hexdigest()[:32]


def lines(content: bytes | None) -> list[bytes]:
    """The keys a key file holds, oldest first (blank lines ignored)."""
    return [line.strip() for line in (content or b"").splitlines() if line.strip()]


def _state() -> dict:
    return current_app.extensions.setdefault("portal_keyrings", {"files": {}, "recorded": None})


def read_lines(path: Path) -> list[bytes]:
    """A key file's keys, re-read only when the file changed since the last read."""
    cache = _state()["files"]
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        cache.pop(path, None)
        return []
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    cached = cache.get(path)
    if cached is None or cached[0] != stamp:
        cached = cache[path] = (stamp, lines(Path(path).read_bytes()))
    return cached[1]


def ring(name: str) -> list[Key]:
    """The keys of one kind this host has, oldest first (for the identity key, the public keys)."""
    return [Key(material, fingerprint(name, material)) for material in read_lines(current_app.config[FILES[name]])]


def private_ring() -> list[tuple[Key, bytes]]:
    """The identity private keys this host has (most have none), each with its public key's `Key`."""
    from nacl.encoding import HexEncoder
    from nacl.public import PrivateKey

    found = []
    for material in read_lines(current_app.config[PRIVATE_IDENTITY]):
        public = PrivateKey(material, encoder=HexEncoder).public_key.encode(HexEncoder)
        found.append((Key(public, fingerprint("identity_key", public)), material))
    return found


def recorded() -> dict[str, str]:
    """The fingerprints recorded as current, re-read at most every KEY_REFRESH_SECONDS. While the
    database does not answer, the last choice read stands (the file's first line if none was):
    what is encrypted meanwhile (a form's files kept through the outage) opens with the ring."""
    state = _state()
    refresh = current_app.config.get("KEY_REFRESH_SECONDS", 10)
    cached = state["recorded"]
    if cached is not None and time.monotonic() - cached[0] < refresh:
        return cached[1]
    try:
        if not _has_table():
            return {}
        with db.session.no_autoflush:
            values = {row.name: row.fingerprint for row in db.session.scalars(select(KeyFingerprint))}
    except SQLAlchemyError:
        return cached[1] if cached is not None else {}
    state["recorded"] = (time.monotonic(), values)
    return values


def _has_table() -> bool:
    state = _state()
    if not state.get("table"):
        state["table"] = inspect(db.session.connection()).has_table(KeyFingerprint.__tablename__)
    return state["table"]


def forget_recorded() -> None:
    """Read the recorded choice again at the next use (after this process changed it)."""
    _state()["recorded"] = None


def current(name: str) -> Key:
    """The key that makes new data of this kind: the recorded one, or the file's first line
    before anything is recorded. A host whose file lacks the recorded key cannot make data."""
    keys = ring(name)
    if not keys:
        raise KeyUnavailable(FILES[name])
    chosen = recorded().get(name)
    if chosen is None:
        return keys[0]
    for key in keys:
        if key.fingerprint == chosen:
            return key
    raise KeyUnavailable(f"{FILES[name]}: the current {name} recorded in the database is not in the file")


def by_fingerprint(name: str, value: str | None) -> Key:
    """The key of this kind with the given fingerprint; None (data from before versions) is the current one."""
    if value is None:
        return current(name)
    for key in ring(name):
        if key.fingerprint == value:
            return key
    raise KeyUnavailable(f"{FILES[name]}: no key with the fingerprint the data names")


def enclose(key: Key, body: bytes) -> bytes:
    """The envelope naming `key` around `body`."""
    return MARKER + key.tag + body


def tag_of(blob: bytes) -> bytes | None:
    """The key tag an envelope names, or None for data from before versions."""
    return blob[len(MARKER):ENVELOPE] if blob[:len(MARKER)] == MARKER and len(blob) > ENVELOPE else None
