"""The audit trail: append-only records, each hash-chained to the one before.

Altering or deleting a row breaks the chain at that point, and `flask --app portal audit
verify` names the first broken link. Database triggers refuse DELETE on the table, and every
UPDATE but one: giving a record its place in the chain.

Appends take no lock (Trillian's "queue, then integrate"): `record` inserts a record without a
place; `sequence` — run by the outbox worker's every round, and by `audit verify` and `audit
checkpoint` before they read — takes the chain head row (FOR UPDATE SKIP LOCKED on PostgreSQL:
one sequencer at a time, the others skip), and chains the committed records that have no place
yet, in the order they were inserted. A gap in the places is a removed record.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import DDL, BigInteger, Integer, String, Text, event, func, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, utcnow
from portal.extensions import db

GENESIS = "0" * 64


class AuditRecord(Base):
    """Who did what to which object, when, with what before and after, and why."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[str] = mapped_column(Text, default="{}")
    after: Mapped[str] = mapped_column(Text, default="{}")
    reason: Mapped[str] = mapped_column(Text, default="")
    # The place in the chain and the chain's hashes: empty until `sequence` gives them, once.
    seq: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The single row holding the chain's last hash; locking it orders concurrent appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=0)


# The one UPDATE allowed: a record without a place gets one, and nothing else changes.
SEQUENCING_ONLY = ("OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.id = OLD.id AND NEW.at = OLD.at "
                   "AND NEW.actor = OLD.actor AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type "
                   "AND NEW.object_id = OLD.object_id AND NEW.before = OLD.before AND NEW.after = OLD.after "
                   "AND NEW.reason = OLD.reason")
APPEND_ONLY = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION audit_records_sequence_once() RETURNS trigger AS $$ "
        f"BEGIN IF {SEQUENCING_ONLY} THEN RETURN NEW; END IF; "
        "RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_records_append_only BEFORE DELETE ON audit_records "
        "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()",
        "CREATE TRIGGER audit_records_sequence_once BEFORE UPDATE ON audit_records "
        "FOR EACH ROW EXECUTE FUNCTION audit_records_sequence_once()",
    ],
    "sqlite": [
        f"CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records WHEN NOT ({SEQUENCING_ONLY}) "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
        "CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    ],
}
# The head may only move forward (UPDATE); deleting it, or truncating either table (which row
# triggers do not see on PostgreSQL), would hide a truncated chain.
HEAD_PROTECTED = {
    "postgresql": [
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
        "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()",
        "CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()",
        "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    ],
}
for _dialect, _statements in APPEND_ONLY.items():
    for _statement in _statements:
        event.listen(AuditRecord.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))


# The head row exists from the start, so concurrent first appends never race to create it.
event.listen(AuditHead.__table__, "after_create",
             DDL(f"INSERT INTO audit_head (id, last_hash, count) VALUES (1, '{GENESIS}', 0)"))
for _dialect, _statements in HEAD_PROTECTED.items():
    for _statement in _statements:
        # Once every table exists (both audit tables, and the shared trigger function).
        event.listen(Base.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))


def _canonical(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def record_hash(record: AuditRecord) -> str:
    """SHA-256 over the previous hash and every field of the record."""
    fields = {"at": record.at.astimezone(dt.timezone.utc).isoformat(), "actor": record.actor,
              "action": record.action, "object_type": record.object_type, "object_id": record.object_id,
              "before": record.before, "after": record.after, "reason": record.reason}
    return hashlib.sha256((record.prev_hash + _canonical(fields)).encode()).hexdigest()


class ChainMissing(RuntimeError):
    """The chain head row is missing: the audit tables were not created by the migrations."""


def record(actor: str, action: str, object_type: str, object_id: object, *, before: dict | None = None,
           after: dict | None = None, reason: str = "", at: dt.datetime | None = None,
           flush: bool = True) -> AuditRecord:
    """Append one record (in the caller's transaction); `sequence` gives it its place later. A
    caller appending many at once passes flush=False and flushes once."""
    entry = AuditRecord(at=(at or utcnow()).replace(microsecond=0), actor=actor, action=action,
                        object_type=object_type, object_id=str(object_id),
                        before=_canonical(before or {}), after=_canonical(after or {}), reason=reason)
    db.session.add(entry)
    if flush:
        db.session.flush()
    return entry


def sequence(batch: int = 1000) -> int:
    """Chain the records that have no place yet, oldest first, in the current transaction; the
    number chained (0 when another sequencer holds the head: it will chain them)."""
    query = select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    locking = query.with_for_update(skip_locked=True) if db.session.get_bind().dialect.name == "postgresql" \
        else query.with_for_update()
    head = db.session.scalar(locking)
    if head is None:
        if db.session.scalar(select(AuditHead.id).where(AuditHead.id == 1)) is None:
            raise ChainMissing()
        return 0  # another sequencer is at work
    chained = 0
    while True:
        waiting = list(db.session.scalars(select(AuditRecord).where(AuditRecord.seq.is_(None))
                                          .order_by(AuditRecord.id).limit(batch)))
        for entry in waiting:
            entry.prev_hash, entry.seq = head.last_hash, head.count + 1
            entry.hash = record_hash(entry)
            head.last_hash, head.count = entry.hash, head.count + 1
        db.session.flush()
        chained += len(waiting)
        if len(waiting) < batch:
            return chained


def unsequenced() -> int:
    """Records appended and not chained yet."""
    return db.session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.seq.is_(None)))


@dataclass(frozen=True)
class Break:
    """Where the chain stops holding, and why."""

    record_id: int | None
    problem: str


def _records(after: int = 0) -> Iterator[AuditRecord]:
    last = after
    while True:
        batch = list(db.session.scalars(
            select(AuditRecord).where(AuditRecord.seq > last).order_by(AuditRecord.seq).limit(1000)))
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify(after: int = 0, previous: str = GENESIS) -> tuple[int, Break | None]:
    """Walk the chain by place; (records checked, the first break or None). Records not chained
    yet are not in it (`sequence` first to include them). From the start, or from the record at
    place `after` whose hash is `previous` (a signed head's last record, checked by its caller)."""
    checked = 0
    for entry in _records(after):
        if entry.prev_hash != previous or entry.seq != after + checked + 1:
            return checked, Break(entry.id, "a record before this one was removed or replaced")
        if record_hash(entry) != entry.hash:
            return checked, Break(entry.id, "this record was altered")
        previous, checked = entry.hash, checked + 1
    head = db.session.get(AuditHead, 1)
    if head is None:
        return checked, Break(None, "the chain head is missing")
    if head.last_hash != previous or head.count != after + checked:
        return checked, Break(None, "records at the end of the chain were removed")
    return checked, None


def for_object(object_type: str, object_id: object) -> list[AuditRecord]:
    """The records about one object, oldest first."""
    return list(db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_type == object_type,
                                  AuditRecord.object_id == str(object_id)).order_by(AuditRecord.id)))
