"""Files kept through a database outage, when `service` (which keeps them in the database) cannot.

The complaint form that comes back because the database does not answer keeps the reporter's
cleaned files here: encrypted like evidence (a per-file key wrapped by the data key), one file per
upload in `<instance>/kept-through-outage/`, named by a keyed hash of what the form binds them to,
readable by the service's user only, for `KEEP_FOR`. When the form is sent again and the database
answers, `recover` moves them into the database's kept files and deletes them here; `purge` (the
daily `complaints purge-kept`) deletes the expired ones.

The folder is per host: behind several hosts, the files come back only if the retry reaches the
same host; otherwise the form asks for them again, as it did before.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from nacl.exceptions import CryptoError

from portal.kept_uploads.service import KEEP_FOR, NamedFile
from portal.security import crypto
from portal.security.attachments import CleanFile
from portal.transaction import after_commit

PURPOSE = b"kept-through-outage:"
FOLDER = "kept-through-outage"


@dataclass(frozen=True)
class Spilled:
    """What the form shows of a file kept through the outage."""

    name: str
    size: int


def _folder() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / FOLDER


def _prefixes(binding: str) -> list[str]:
    return [digest[:32] for digest in crypto.keyed_hashes(PURPOSE, binding)]


def _paths(binding: str) -> list[Path]:
    folder = _folder()
    if not folder.is_dir():
        return []
    prefixes = tuple(f"{prefix}-" for prefix in _prefixes(binding))
    return sorted(path for path in folder.iterdir() if path.name.startswith(prefixes))


def _fresh(path: Path, now: dt.datetime) -> bool:
    return now.timestamp() - path.stat().st_mtime < KEEP_FOR.total_seconds()


def spill(binding: str, files: list[NamedFile]) -> None:
    """Keep these cleaned files for the form outside the database."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    prefix = crypto.keyed_hash(PURPOSE, binding)[:32]
    for named in files:
        sealed = crypto.encrypt_file(named.file.data)
        record = {"name": base64.b64encode(crypto.encrypt_text(named.name)).decode(), "kind": named.file.kind,
                  "size": len(named.file.data), "ciphertext": base64.b64encode(sealed.ciphertext).decode(),
                  "wrapped_key": base64.b64encode(sealed.wrapped_key).decode()}
        path = folder / f"{prefix}-{dt.datetime.now(dt.timezone.utc):%Y%m%d%H%M%S%f}-{secrets.token_hex(4)}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            json.dump(record, handle)


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def spilled(binding: str, now: dt.datetime) -> list[Spilled]:
    """The form's files kept through the outage, oldest first."""
    found = []
    for path in _paths(binding):
        record = _read(path) if _fresh(path, now) else None
        if record is not None:
            try:
                found.append(Spilled(crypto.decrypt_text(base64.b64decode(record["name"])), int(record["size"])))
            except (CryptoError, KeyError, ValueError):
                continue
    return found


def recover(binding: str, now: dt.datetime) -> list[NamedFile]:
    """The form's files kept through the outage, decrypted; each is deleted here once the
    transaction that keeps it in the database commits (`after_commit`)."""
    found = []
    for path in _paths(binding):
        record = _read(path) if _fresh(path, now) else None
        after_commit(lambda path=path: path.unlink(missing_ok=True))
        if record is None:
            continue
        try:
            data = crypto.decrypt_file(crypto.Sealed(base64.b64decode(record["ciphertext"]),
                                                     base64.b64decode(record["wrapped_key"])))
            found.append(NamedFile(crypto.decrypt_text(base64.b64decode(record["name"])),
                                   CleanFile(data, record["kind"])))
        except (CryptoError, KeyError, ValueError):
            continue  # made under a data key since retired, or damaged: the form asks for it again
    return found


def purge(now: dt.datetime) -> int:
    """Delete every expired file kept through an outage; returns how many."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    expired = [path for path in folder.iterdir() if path.is_file() and not _fresh(path, now)]
    for path in expired:
        path.unlink(missing_ok=True)
    return len(expired)
