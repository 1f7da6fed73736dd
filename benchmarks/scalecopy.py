"""Bulk loading for the province benchmark (`benchmarks/scale.py`): what makes its COPY fast.

Profiled at a small scale (cProfile of `scalemeasure.build`), the build spent most of its time
waiting on PostgreSQL, not generating rows: every COPY'd row fired its foreign-key checks and
updated every index of its table (12 on complaints, 5 on the audit records, some of them unique
keys over random digests). So the loading session skips the foreign-key triggers
(`session_replication_role = replica`: the generator makes only valid references) and the
tables' secondary indexes and unique keys are dropped before the load and built once after it,
sorted. The audit records are chained in one tight loop that writes COPY text directly; it makes
the same hash as `audit.record_hash` (checked on the first records) without building objects.
Nothing here is imported by the portal.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from types import SimpleNamespace

from sqlalchemy import select, text

from portal.extensions import db
from portal.security import audit
from portal.transparency import merkle

CHUNK = 2000  # COPY lines sent at once


def session_for_loading() -> None:
    """The loading transaction's settings: no foreign-key triggers, memory for sorts and index builds."""
    for setting in ("session_replication_role = replica", "synchronous_commit = off",
                    "maintenance_work_mem = '1GB'", "work_mem = '256MB'"):
        db.session.execute(text(f"SET {setting}"))


@contextmanager
def without_indexes(*tables: str):
    """Drop the tables' secondary indexes and unique keys (not their primary keys, which others
    reference) for the load, and build them again after it."""
    found = db.session.execute(text(
        "SELECT 'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || conname || ' ' || "
        "pg_get_constraintdef(oid), 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || conname "
        "FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text = ANY(:tables) "
        "UNION ALL SELECT indexdef, 'DROP INDEX ' || indexname FROM pg_indexes i "
        "WHERE tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)"), {"tables": list(tables)}).all()
    for _create, drop in found:
        db.session.execute(text(drop))
    yield
    for create, _drop in found:
        db.session.execute(text(create))


def copy_lines(table: str, columns: Iterable[str], lines: Iterable[str]) -> int:
    """COPY text lines (tab-separated, `\\N` for NULL, ending in a newline) into the table."""
    raw = db.session.connection().connection.driver_connection
    written, buffer = 0, []
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for line in lines:
            buffer.append(line)
            if len(buffer) == CHUNK:
                out.write("".join(buffer))
                written += CHUNK
                buffer.clear()
        out.write("".join(buffer))
    return written + len(buffer)


def field(value) -> str:
    """One value as COPY text (the generator's values hold no tabs, newlines or backslashes)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(getattr(value, "value", value))


def row_writer(columns: list, fallback: dict) -> Callable[[dict], str]:
    """A function from a row (dict; a missing column takes `fallback`'s value) to its COPY line."""
    names = [column.name for column in columns]

    def line(row: dict) -> str:
        return "\t".join([field(row[name] if name in row else fallback[name]) for name in names]) + "\n"
    return line


ACTIONS = ("complaint.accept", "complaint.assign", "complaint.note", "complaint.conclude", "complaint.archive",
           "complaint.message", "registry.update", "disclosure.publish", "account.sign_in", "blacklist.list")
KINDS = {action: action.split(".", 1)[0] for action in ACTIONS}
AFTER = ('{}', '{"status":"accepted"}')


def audit_records(rng, count: int, cases: int, start: dt.date, end: dt.date, log=print) -> merkle.Frontier:
    """COPY `count` records chained by the portal's record hash after what is already chained,
    move the chain head to their end; the Merkle frontier of every record's hash (for the signed
    head). The hash is `audit.record_hash`'s, spelt out: SHA-256 over the previous hash and the
    fields' canonical JSON (sorted keys, no spaces)."""
    audit.sequence()  # what the set-up recorded comes first in the chain
    frontier = merkle.Frontier()
    for (leaf,) in db.session.execute(select(audit.AuditRecord.hash).order_by(audit.AuditRecord.seq)):
        frontier.add(bytes.fromhex(leaf))
    head = db.session.get(audit.AuditHead, 1)
    previous, done = head.last_hash, head.count
    first_id = (db.session.scalar(text("SELECT coalesce(max(id), 0) FROM audit_records")) or 0) + 1
    began = dt.datetime.combine(start, dt.time(), dt.timezone.utc).timestamp()
    span = (end - start).days * 86400
    actors = [f"handler.{n}" for n in range(997)]
    after_json = [json.dumps(value) for value in AFTER]
    add, sha256, fromhex, random = frontier.add, hashlib.sha256, bytes.fromhex, rng.random
    stamp = dt.datetime.fromtimestamp
    checked = min(count, 1000)
    started = time.perf_counter()

    def lines():
        nonlocal previous
        for n in range(count):
            seq = done + n + 1
            at = stamp(began + span * n // count, dt.timezone.utc).isoformat()
            action = ACTIONS[seq % 10]
            kind = KINDS[action]
            actor, after, object_id = actors[seq % 997], seq % 3 == 0, str(int(random() * cases) + 1)
            digest = sha256(f'{previous}{{"action":"{action}","actor":"{actor}","after":{after_json[after]},'
                            f'"at":"{at}","before":"{{}}","object_id":"{object_id}","object_type":"{kind}",'
                            f'"reason":""}}'.encode()).hexdigest()
            if n < checked:  # the same hash as the portal's, or the log would not verify
                assert digest == audit.record_hash(SimpleNamespace(
                    at=dt.datetime.fromisoformat(at), actor=actor, action=action, object_type=kind,
                    object_id=object_id, before="{}", after=AFTER[after], reason="", prev_hash=previous))
            yield (f"{first_id + n}\t{at}\t{actor}\t{action}\t{kind}\t{object_id}\t{{}}\t{AFTER[after]}\t\t"
                   f"{seq}\t{previous}\t{digest}\n")
            add(fromhex(digest))
            previous = digest
            if n and n % 2_000_000 == 0:
                log(f"    {n:,} audit records ({time.perf_counter() - started:.0f} s)")
    with without_indexes("audit_records"):
        copy_lines("audit_records", ("id", "at", "actor", "action", "object_type", "object_id", "before", "after",
                                     "reason", "seq", "prev_hash", "hash"), lines())
    db.session.execute(text("UPDATE audit_head SET last_hash = :hash, count = :count WHERE id = 1"),
                       {"hash": previous, "count": done + count})
    db.session.execute(text("SELECT setval(pg_get_serial_sequence('audit_records', 'id'), "
                            "(SELECT coalesce(max(id), 1) FROM audit_records))"))
    return frontier
