"""Key rotation: a new key joins its file's ring, the database makes it current (every host
switches within `KEY_REFRESH_SECONDS`), and what the old key made is made again under the new one.

- The data key: every wrapped file key and every encrypted text is re-encrypted (the files
  themselves keep their own keys and are not touched).
- The identity key: every sealed identity is opened with the old private key and sealed to the
  new public key, on the custodian's workstation (the only host with the private keys).
- The pepper: a receipt cannot be hashed again without the code its reporter holds, so receipts
  keep the pepper they name and the old pepper stays in the ring; new receipts, recovery codes
  and tokens use the new one.

Work goes in batches of `BATCH` rows, each committed, and a row is replaced only if it still holds
what was read (compare and set): the service keeps running, and a rotation stopped half-way
continues where it stopped when run again. Nothing here prints or logs a key or a decrypted value.
"""
from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from nacl.encoding import HexEncoder
from nacl.public import PrivateKey
from sqlalchemy import func, select, update

from portal.accounts.models import User
from portal.casework.models import Attachment, Complaint
from portal.credit_repair.models import RepairApplication, RepairProof
from portal.extensions import db
from portal.hotline.models import Partner as HotlinePartner
from portal.inspections.models import InspectionDraw
from portal.institution_answers.models import AnswerDocument
from portal.kept_uploads.models import KeptUpload
from portal.notifications.models import Message
from portal.observations.models import ObservationPhoto
from portal.security import audit, crypto, keyring
from portal.security.keyring import KeyFingerprint
from portal.staffing.models import PrivilegeGrant
from portal.supervisors.models import Supervisor

BATCH = 500
ACTOR = "system"  # someone with server access, through a command

# Every column holding what the data key made, and every column sealed to the identity key.
# tests/operations/test_rotation.py checks that each binary column of the schema is named here or
# in NOT_ROTATED, so a new encrypted column cannot be forgotten by a rotation.
DATA_KEY_COLUMNS = (
    Attachment.wrapped_key, ObservationPhoto.wrapped_key, RepairProof.wrapped_key, KeptUpload.wrapped_key,
    KeptUpload.name_encrypted, Complaint.notify_contact_encrypted, Complaint.mediation_name_encrypted,
    Message.payload, InspectionDraw.sealed_seed,
    User.totp_secret, Supervisor.contact_encrypted, PrivilegeGrant.first_half,
    HotlinePartner.secret_encrypted, AnswerDocument.wrapped_key)
IDENTITY_COLUMNS = (Complaint.reporter_sealed,)
NOT_ROTATED = {
    "attachments.ciphertext": "under the file's own key, which the data key wraps",
    "supervisor_photos.ciphertext": "under the file's own key",
    "repair_proofs.ciphertext": "under the file's own key",
    "kept_uploads.ciphertext": "under the file's own key",
    "institution_answer_documents.ciphertext": "under the file's own key",
    "complaints.receipt_replay": "under a key from the form's token, for minutes; any pepper of the ring opens it",
    "receipt_recoveries.phone_sealed": "under a key from the asking browser's token, for 5 minutes",
    "inspection_draws.targets_json": "the frozen directory of a draw, public once drawn",
    "inspection_draws.inspectors_json": "the frozen directory of a draw, public once drawn",
    "practitioner_bans.id_digest": "a keyed hash under the first pepper (crypto.matching_digest), which a "
                                   "rotation keeps; the number cannot be hashed again without the person",
}


class RotationRefused(RuntimeError):
    """The rotation cannot start or finish as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Pass:
    """What one pass over the stored data did."""

    rewritten: int
    remaining: int


def _append_key(path: Path, material: bytes) -> None:
    """Add a key as the file's last line: written beside it and renamed over it, so a reader sees
    the old file or the new one, never half of it; the file keeps its permissions."""
    path = Path(path)
    old = path.read_bytes() if path.exists() else b""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    _replace(path, b"\n".join(keyring.lines(old) + [material]) + b"\n", mode)


def _replace(path: Path, content: bytes, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _setting(name: str) -> Path:
    return Path(current_app.config[keyring.FILES[name]])


def add_key(name: str) -> keyring.Key:
    """Make a new key of this kind and add it to this host's file (for the identity key, a new pair:
    the private key to the private key file, the public key to the public one). It is not current
    until `rotate` makes it so: copy the file to the other hosts first."""
    if name == "identity_key":
        _on_the_workstation()
        private = PrivateKey.generate()
        _append_key(Path(current_app.config[keyring.PRIVATE_IDENTITY]), private.encode(HexEncoder))
        material = private.public_key.encode(HexEncoder)
    else:
        material = secrets.token_hex(32).encode()
    _append_key(_setting(name), material)
    key = keyring.Key(material, keyring.fingerprint(name, material))
    audit.record(ACTOR, "keys.added", "key", name, after={"fingerprint": key.fingerprint})
    return key


def _on_the_workstation() -> None:
    if keyring.current("identity_key").fingerprint not in {key.fingerprint for key, _ in keyring.private_ring()}:
        raise RotationRefused("This host does not hold the current identity private key: add and rotate "
                              "identity keys on the custodian's workstation, where the private keys are.")


def staged(name: str) -> keyring.Key | None:
    """The newest key of the file that comes after the current one (added, not yet current)."""
    keys = keyring.ring(name)
    current = keyring.current(name)
    later = keys[keys.index(current) + 1:]
    return later[-1] if later else None


def promote(name: str, key: keyring.Key) -> str:
    """Record `key` as the current one (audited); returns the fingerprint it replaces."""
    before = keyring.current(name).fingerprint
    if name == "identity_key" and key.fingerprint not in {k.fingerprint for k, _ in keyring.private_ring()}:
        raise RotationRefused("The new identity key's private key is not on this host: rotate the identity "
                              "key on the custodian's workstation, where the private keys are.")
    if name == "pepper":
        stamp_receipts(before)
    row = db.session.get(KeyFingerprint, name)
    if row is None:
        db.session.add(KeyFingerprint(name=name, fingerprint=key.fingerprint))
    else:
        row.fingerprint = key.fingerprint
    audit.record(ACTOR, "keys.rotated", "key", name, before={"fingerprint": before},
                 after={"fingerprint": key.fingerprint})
    db.session.commit()
    keyring.forget_recorded()
    return before


def stamp_receipts(version: str) -> int:
    """Name the pepper of every receipt made before receipts named theirs (it is the current one)."""
    count = 0
    for model in (Complaint, RepairApplication):
        count += db.session.execute(update(model).where(model.receipt_pepper.is_(None))
                                    .values(receipt_pepper=version)).rowcount or 0
    return count


def _columns(name: str) -> tuple:
    return DATA_KEY_COLUMNS if name == "data_key" else IDENTITY_COLUMNS


def _convert(name: str) -> Callable[[bytes], bytes]:
    return crypto.rewrap if name == "data_key" else crypto.reseal


def _not_current(column, prefix: bytes):
    return column.is_not(None), func.substr(column, 1, len(prefix)) != prefix


def remaining(name: str) -> int:
    """Rows still made by another key than the current one."""
    prefix = keyring.enclose(keyring.current(name), b"")
    return sum(db.session.scalar(select(func.count()).select_from(column.class_).where(*_not_current(column, prefix)))
               for column in _columns(name))


def move(name: str, progress: Callable[[str, int], None] = lambda table, count: None) -> Pass:
    """One pass: everything the other keys of the ring made, made again under the current key."""
    convert = _convert(name)
    rewritten = 0
    for column in _columns(name):
        model = column.class_
        (key_column,) = model.__mapper__.primary_key
        prefix = keyring.enclose(keyring.current(name), b"")
        last = None
        while True:
            query = select(key_column, column).where(*_not_current(column, prefix)).order_by(key_column).limit(BATCH)
            if last is not None:
                query = query.where(key_column > last)
            rows = db.session.execute(query).all()
            if not rows:
                break
            for key_value, old in rows:
                done = db.session.execute(update(model).where(key_column == key_value, column == old)
                                          .values({column.key: convert(old)}))
                rewritten += done.rowcount or 0
            last = rows[-1][0]
            db.session.commit()
            progress(model.__tablename__, len(rows))
    return Pass(rewritten, remaining(name))


def rotate(name: str, resume: bool = False, wait: Callable[[float], None] = time.sleep,
           progress: Callable[[str, int], None] = lambda table, count: None) -> tuple[keyring.Key, Pass]:
    """Make a new key current (the one added with `add_key`, or a new one) and move the stored
    data to it; with `resume`, only move what is left (a rotation that stopped half-way).
    Returns the current key and what the passes did."""
    if name == "identity_key" and resume:
        _on_the_workstation()
    if not resume:
        key = staged(name) or add_key(name)
        promote(name, key)
        started = time.monotonic()
    key = keyring.current(name)
    if name == "pepper":
        return key, Pass(0, 0)
    done = move(name, progress)
    if not resume:
        # Other processes make data with the old key until they next read which key is current;
        # wait that long, then move what they made meanwhile.
        wait(max(0.0, current_app.config["KEY_REFRESH_SECONDS"] + 1 - (time.monotonic() - started)))
        again = move(name, progress)
        done = Pass(done.rewritten + again.rewritten, again.remaining)
    audit.record(ACTOR, "keys.rewrapped", "key", name, after={"fingerprint": key.fingerprint,
                                                                "rewritten": done.rewritten,
                                                                "remaining": done.remaining})
    db.session.commit()
    return key, done


def retire(name: str) -> int:
    """Remove every key but the current one from this host's file(s), once nothing depends on them;
    returns how many keys were removed."""
    if name == "pepper":
        raise RotationRefused("A pepper is never retired: receipts hashed with it stay with their reporters for "
                              "years, and only that pepper recognises them.")
    left = remaining(name)
    if left:
        raise RotationRefused(f"{left} stored values are still under an older {name}: run "
                              f"`flask --app portal keys rotate {name.replace('_', '-')}` to move them first.")
    current = keyring.current(name)
    keys = keyring.ring(name)
    path = _setting(name)
    _replace(path, current.material + b"\n", path.stat().st_mode & 0o777)
    if name == "identity_key":
        private_path = Path(current_app.config[keyring.PRIVATE_IDENTITY])
        mine = [material for key, material in keyring.private_ring() if key.fingerprint == current.fingerprint]
        if private_path.exists() and mine:
            _replace(private_path, mine[0] + b"\n", private_path.stat().st_mode & 0o777)
    audit.record(ACTOR, "keys.retired", "key", name, after={"fingerprint": current.fingerprint,
                                                              "removed": len(keys) - 1})
    db.session.commit()
    return len(keys) - 1
