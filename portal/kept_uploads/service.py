"""Files kept across a correction of the complaint form.

A form returned for correction keeps the files that passed cleaning, encrypted with the evidence
pipeline (a per-file key wrapped by the data key), under a keyed hash of what the view binds them
to: the form's one-time token and a secret of the browser session, so only the browser that sent
them gets them back. They expire `KEEP_FOR` after the form last came back, are purged by
`flask --app portal complaints purge-kept`, and are deleted when the complaint is filed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from portal.extensions import db
from portal.kept_uploads.models import KeptUpload
from portal.security import crypto
from portal.security.attachments import CleanFile

KEEP_FOR = dt.timedelta(hours=1)
PURPOSE = b"kept-uploads:"


@dataclass(frozen=True)
class NamedFile:
    """A cleaned file and the name it had on the reporter's device."""

    name: str
    file: CleanFile


@dataclass(frozen=True)
class Kept:
    """What the form shows of a kept file."""

    id: int
    name: str
    size: int


def _digest(form_token: str) -> str:
    return crypto.keyed_hash(PURPOSE, form_token)


def _ours(form_token: str):
    """The rows kept for this form, under any pepper (a rotation may fall within the hour)."""
    return KeptUpload.form_digest.in_(crypto.keyed_hashes(PURPOSE, form_token))


def _rows(form_token: str, now: dt.datetime) -> list[KeptUpload]:
    return list(db.session.scalars(
        select(KeptUpload).where(_ours(form_token), KeptUpload.expires_at > now)
        .order_by(KeptUpload.id)))


def keep(form_token: str, files: list[NamedFile], now: dt.datetime) -> None:
    """Keep cleaned files for this form until it is sent again (or they expire): the new ones,
    and those kept before for another `KEEP_FOR` from now (the form just came back again)."""
    db.session.execute(update(KeptUpload).where(_ours(form_token),
                                                KeptUpload.expires_at > now)
                       .values(expires_at=now + KEEP_FOR))
    for named in files:
        sealed = crypto.encrypt_file(named.file.data)
        db.session.add(KeptUpload(
            form_digest=_digest(form_token), name_encrypted=crypto.encrypt_text(named.name),
            kind=named.file.kind, size=len(named.file.data), ciphertext=sealed.ciphertext,
            wrapped_key=sealed.wrapped_key, expires_at=now + KEEP_FOR))
    db.session.flush()


def listed(form_token: str, now: dt.datetime) -> list[Kept]:
    """The form's kept files, oldest first, by the names the reporter knows them by."""
    return [Kept(row.id, crypto.decrypt_text(row.name_encrypted), row.size) for row in _rows(form_token, now)]


def files(form_token: str, now: dt.datetime) -> list[CleanFile]:
    """The form's kept files, decrypted, to be filed with the complaint."""
    return [CleanFile(crypto.decrypt_file(crypto.Sealed(row.ciphertext, row.wrapped_key)), row.kind)
            for row in _rows(form_token, now)]


def remove(form_token: str, ids: list[int]) -> None:
    """Drop the reporter's chosen kept files; another form's files are never touched."""
    if ids:
        db.session.execute(delete(KeptUpload).where(_ours(form_token),
                                                    KeptUpload.id.in_(ids)))


def discard(form_token: str) -> None:
    """Delete every file kept for this form (it was filed)."""
    db.session.execute(delete(KeptUpload).where(_ours(form_token)))


def purge(now: dt.datetime) -> int:
    """Delete every expired kept file; returns how many."""
    result = db.session.execute(delete(KeptUpload).where(KeptUpload.expires_at <= now))
    return result.rowcount or 0
