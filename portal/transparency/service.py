"""Signed heads of the audit log, their proofs, and what the public transparency page counts.

Anyone who can write to the database can delete audit records and recompute the hash chain; they
cannot make a signed head of the old log agree with the new one. `checkpoint` signs the Merkle
tree head of the whole log with the audit signing key (Ed25519), which lives where the identity
private key lives, never on a database or web host; the heads are published on /transparency
for outsiders to keep, and `verify` (run by `flask audit verify`) recomputes each signed head
from the records and reports the first one they no longer match.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from nacl.encoding import HexEncoder
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey
from sqlalchemy import func, or_, select

from portal import sqltime
from portal.config import read_secret_file
from portal.extensions import db
from portal.security import audit, keys
from portal.security.audit import AuditRecord
from portal.transparency import merkle
from portal.transparency.models import Checkpoint

MESSAGE = "portal-audit-checkpoint/v1\n{tree_size}\n{root_hash}\n{signed_at}\n"
BATCH = 5000


class SigningKeyMissing(RuntimeError):
    """This host has no audit signing key (as it should, unless it is the signing host)."""


@dataclass(frozen=True)
class Problem:
    """A signed head the log no longer agrees with, and why."""

    checkpoint: Checkpoint
    problem: str


def _path(setting: str) -> Path:
    return Path(current_app.config[setting])


def generate_key() -> tuple[Path, Path]:
    """Make the audit signing key pair where the settings say; refuse to replace one."""
    private, public = _path("AUDIT_SIGNING_KEY_FILE"), _path("AUDIT_SIGNING_PUBLIC_KEY_FILE")
    if private.exists() or public.exists():
        raise FileExistsError(private if private.exists() else public)
    key = SigningKey.generate()
    keys.write_key_file(private, key.encode(HexEncoder))
    keys.write_key_file(public, key.verify_key.encode(HexEncoder))
    return private, public


def public_key() -> str | None:
    """The audit signing public key in hex, as published (None when not configured)."""
    material = read_secret_file(_path("AUDIT_SIGNING_PUBLIC_KEY_FILE"))
    return material.decode() if material else None


def fingerprint(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:32]


def head(checkpoint: Checkpoint) -> dict:
    """A signed head as published and as the verification script reads it."""
    return {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash,
            "signed_at": checkpoint.signed_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "key_fingerprint": checkpoint.key_fingerprint, "signature": checkpoint.signature}


def _leaves(limit: int | None = None, after: int = 0) -> Iterator[bytes]:
    last, given = after, 0
    while limit is None or given < limit:
        batch = db.session.execute(select(AuditRecord.seq, AuditRecord.hash).where(AuditRecord.seq > last)
                                   .order_by(AuditRecord.seq).limit(BATCH)).all()
        if not batch:
            return
        for _, record_hash in batch:
            if limit is not None and given >= limit:
                return
            given += 1
            yield bytes.fromhex(record_hash)
        last = batch[-1][0]


def _trusted_frontier(found: Checkpoint | None) -> merkle.Frontier | None:
    """The stored frontier of a signed head, if it reproduces the head's root."""
    if found is None or not found.frontier:
        return None
    frontier = merkle.Frontier.from_state(json.loads(found.frontier))
    if frontier.size != found.tree_size or frontier.root().hex() != found.root_hash:
        return None
    return frontier


def checkpoint(now: dt.datetime) -> Checkpoint | None:
    """Sign the head of the whole log (None when nothing was recorded since the last head).
    The tree is grown from the newest head's stored frontier, so only the records appended since
    it are read (the whole log when that head has none, or it does not match its root)."""
    material = read_secret_file(_path("AUDIT_SIGNING_KEY_FILE"))
    if material is None:
        raise SigningKeyMissing(str(_path("AUDIT_SIGNING_KEY_FILE")))
    audit.sequence()  # the head covers everything appended until now
    newest = db.session.scalar(select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1))
    frontier = _trusted_frontier(newest) or merkle.Frontier()
    for leaf in _leaves(after=frontier.size):
        frontier.add(leaf)
    if newest is not None and newest.tree_size >= frontier.size:
        return None
    return sign(frontier, now, material)


def sign(frontier: merkle.Frontier, now: dt.datetime, material: bytes) -> Checkpoint:
    """Store the signed head of the tree `frontier` describes, with the frontier."""
    key = SigningKey(material, encoder=HexEncoder)
    found = Checkpoint(tree_size=frontier.size, root_hash=frontier.root().hex(),
                       signed_at=now.replace(microsecond=0),
                       key_fingerprint=fingerprint(key.verify_key.encode(HexEncoder).decode()), signature="",
                       frontier=json.dumps(frontier.state()))
    found.signature = base64.b64encode(key.sign(MESSAGE.format(**head(found)).encode()).signature).decode()
    db.session.add(found)
    db.session.flush()
    return found


def checkpoints(newest: int | None = None) -> list[Checkpoint]:
    """The signed heads, newest first (at most `newest`)."""
    query = select(Checkpoint).order_by(Checkpoint.tree_size.desc())
    return list(db.session.scalars(query.limit(newest) if newest else query))


def signed_by(checkpoint: Checkpoint, public_hex: str) -> bool:
    try:
        VerifyKey(bytes.fromhex(public_hex)).verify(MESSAGE.format(**head(checkpoint)).encode(),
                                                    base64.b64decode(checkpoint.signature))
    except (BadSignatureError, ValueError):
        return False
    return True


def verify() -> Problem | None:
    """Recompute every signed head from the records; the first one they no longer match."""
    heads = sorted(checkpoints(), key=lambda found: found.tree_size)
    if not heads:
        return None
    problem = _signatures(heads)
    if problem is not None:
        return problem
    frontier = merkle.Frontier()
    pending = list(heads)
    for leaf in _leaves(heads[-1].tree_size):
        frontier.add(leaf)
        while pending and pending[0].tree_size == frontier.size:
            if frontier.root().hex() != pending[0].root_hash:
                return Problem(pending[0], "records before this signed head were changed or removed")
            pending.pop(0)
    if pending:
        return Problem(pending[0], "the log is shorter than this signed head: records were removed")
    return None


def _signatures(heads: list[Checkpoint]) -> Problem | None:
    public = public_key()
    for found in heads:
        if public is not None and not signed_by(found, public):
            return Problem(found, "its signature does not match the audit signing public key")
    return None


@dataclass(frozen=True)
class Start:
    """Where an incremental check starts: the newest signed head's size and last record hash."""

    tree_size: int
    last_hash: str


def newest_start() -> Start | Problem | None:
    """The newest signed head to check onwards from, once its signature, its stored frontier and
    the record it ends with agree with one another (None: no head with a frontier, check everything).

    Records before it are not read: a daily check trusts what the last full check and the signed
    head cover, and a full `audit verify` (weekly) reads them all."""
    heads = sorted(checkpoints(), key=lambda found: found.tree_size)
    problem = _signatures(heads)
    if problem is not None or not heads:
        return problem
    newest = heads[-1]
    frontier = _trusted_frontier(newest)
    if frontier is None:
        return None if not newest.frontier else Problem(newest, "its stored frontier does not match its root")
    last = db.session.scalar(select(AuditRecord).where(AuditRecord.seq == newest.tree_size))
    if last is None:
        return Problem(newest, "the log is shorter than this signed head: records were removed")
    if not frontier.ends_with(bytes.fromhex(last.hash)) or audit.record_hash(last) != last.hash:
        return Problem(newest, "the record this signed head ends with was changed or replaced")
    return Start(newest.tree_size, last.hash)


def consistency(first: int, second: int) -> list[str]:
    """The consistency proof between two signed heads' trees (hex)."""
    leaves = list(_leaves(second))
    return [node.hex() for node in merkle.consistency_proof(leaves, first)]


def inclusion(record_hash: str, size: int) -> tuple[int, list[str]] | None:
    """The position of the record with this chain hash and its inclusion proof in the tree of
    `size` records (None when it is not among them)."""
    leaves = list(_leaves(size))
    try:
        index = leaves.index(bytes.fromhex(record_hash))
    except ValueError:
        return None
    return index, [node.hex() for node in merkle.inclusion_proof(leaves, index)]


# What the public page counts, per month: each kind and the actions it covers.
COUNTED = {
    "reveal_approved": ("identity.approve",),
    "reveal_denied": ("identity.deny",),
    "identity_viewed": ("identity.viewed",),
    "privilege_granted": ("grant.approved",),
    "keys_rotated": ("keys.rotated",),
}
CASEWORK_PREFIX = "complaint."


def monthly_counts(since: dt.datetime) -> dict[str, dict[str, int]]:
    """{month: {kind: count}} of the counted actions since `since` (casework steps as "casework")."""
    actions = [action for group in COUNTED.values() for action in group]
    month = sqltime.month_of_moment(AuditRecord.at)
    rows = db.session.execute(select(month, AuditRecord.action, func.count()).where(
        AuditRecord.at >= since, or_(AuditRecord.action.in_(actions), AuditRecord.action.startswith(CASEWORK_PREFIX)))
        .group_by(month, AuditRecord.action)).all()
    kinds = {action: kind for kind, group in COUNTED.items() for action in group}
    counts: dict[str, dict[str, int]] = {}
    for key, action, count in rows:
        kind = kinds.get(action, "casework")
        counts.setdefault(key, {}).setdefault(kind, 0)
        counts[key][kind] += count
    return dict(sorted(counts.items(), reverse=True))
