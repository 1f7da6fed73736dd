"""The daily check and the hourly head start from the newest signed head: a head keeps its tree's
Merkle frontier, `audit checkpoint` grows the tree from it, and `audit verify --since-checkpoint`
reads only the records after it, once the head's signature, frontier and last record agree."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from portal.extensions import db
from portal.security import audit
from portal.security.audit import AuditRecord
from portal.transparency import merkle, service
from portal.transparency.models import Checkpoint


@pytest.fixture
def signing(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY_FILE", tmp_path / "audit_signing_key")
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_PUBLIC_KEY_FILE", tmp_path / "audit_signing_key.pub")
    with app.app_context():
        service.generate_key()
    return tmp_path


def append(count: int) -> list[AuditRecord]:
    records = [audit.record("user:7", "complaint.accept", "complaint", 500 + i, after={"status": "accepted"})
               for i in range(count)]
    audit.sequence()
    return records


def alter(record_id: int, after: str) -> None:
    """What someone with write access could do: change a record's content in place."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_sequence_once"))
    else:
        connection.execute(text("DROP TRIGGER IF EXISTS audit_records_no_update"))
    db.session.execute(text("UPDATE audit_records SET after = :after WHERE id = :id"),
                       {"after": after, "id": record_id})
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_records ENABLE TRIGGER audit_records_sequence_once"))
    db.session.expire_all()


def newest() -> Checkpoint:
    return db.session.scalar(select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1))


def test_the_next_head_grows_from_the_stored_frontier_to_the_root_of_the_whole_log(app, runner, signing):
    with app.app_context():
        append(5)
        db.session.commit()
    runner.invoke(args=["audit", "checkpoint"])
    with app.app_context():
        first = newest()
        assert json.loads(first.frontier)["size"] == first.tree_size
        append(6)
        db.session.commit()
    runner.invoke(args=["audit", "checkpoint"])
    with app.app_context():
        second = newest()
        leaves = [bytes.fromhex(h) for h in db.session.scalars(select(AuditRecord.hash).order_by(AuditRecord.seq))]
        assert second.tree_size == first.tree_size + 6 == len(leaves)
        assert second.root_hash == merkle.root(leaves).hex()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_the_daily_check_reads_only_what_came_after_the_newest_head(app, runner, signing):
    checked = runner.invoke(args=["audit", "verify", "--since-checkpoint"])
    assert checked.exit_code == 0 and "chain intact" in checked.output  # no head yet: everything
    with app.app_context():
        before = append(4)
        db.session.commit()
    runner.invoke(args=["audit", "checkpoint"])
    with app.app_context():
        size = newest().tree_size
        later = append(3)
        db.session.commit()
        late_id = later[1].id
        assert before[-1].seq == size
    checked = runner.invoke(args=["audit", "verify", "--since-checkpoint"])
    assert checked.exit_code == 0, checked.output
    assert f"audit: 3 records after the signed head of {size} records, chain intact" in checked.output

    with app.app_context():  # a record after the head is changed: the daily check finds it
        alter(late_id, '{"status":"not_accepted"}')
        db.session.commit()
    caught = runner.invoke(args=["audit", "verify", "--since-checkpoint"])
    assert caught.exit_code == 1 and f"chain broken at record {late_id}: this record was altered" in caught.output


def test_a_changed_last_record_or_frontier_stops_the_daily_check(app, runner, signing):
    with app.app_context():
        before = append(4)
        db.session.commit()
        old_id, head_id = before[0].id, before[-1].id
    runner.invoke(args=["audit", "checkpoint"])
    with app.app_context():  # an old record changed: only the full (weekly) check reads it
        alter(old_id, '{"status":"archived"}')
        db.session.commit()
    assert runner.invoke(args=["audit", "verify", "--since-checkpoint"]).exit_code == 0
    full = runner.invoke(args=["audit", "verify"])
    assert full.exit_code == 1 and f"chain broken at record {old_id}" in full.output

    with app.app_context():  # the record the head ends with changed
        alter(head_id, '{"status":"archived"}')
        db.session.commit()
    caught = runner.invoke(args=["audit", "verify", "--since-checkpoint"])
    assert caught.exit_code == 1 and "the record this signed head ends with was changed or replaced" in caught.output

    with app.app_context():  # the stored frontier replaced (it is not signed, but checked against the root)
        head = newest()
        state = json.loads(head.frontier)
        state["stack"][-1][1] = "00" * 32
        db.session.execute(text("UPDATE audit_checkpoints SET frontier = :f WHERE id = :id"),
                           {"f": json.dumps(state), "id": head.id})
        db.session.commit()
    caught = runner.invoke(args=["audit", "verify", "--since-checkpoint"])
    assert caught.exit_code == 1 and "its stored frontier does not match its root" in caught.output
