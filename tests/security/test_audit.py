"""The audit trail: chained, append-only, and verifiable."""
import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal import models  # noqa: F401
from portal.extensions import db
from portal.security import audit
from portal.security.audit import AuditRecord
from tests.support.apps import make_app
from tests.support.databases import isolated_database


def append(count: int) -> list[AuditRecord]:
    """Append records and chain them, as the sequencer does after they are committed."""
    records = [audit.record("user:7", "complaint.accepted", "complaint", 100 + i,
                            before={"status": "registered"}, after={"status": "accepted"}, reason="依法受理")
               for i in range(count)]
    audit.sequence()
    return records


def switch_off_append_only(connection) -> None:
    """What someone with database access could do; inside the test's transaction, undone after."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only"))
        connection.execute(text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_sequence_once"))
    else:
        connection.execute(text("DROP TRIGGER audit_records_no_update"))
        connection.execute(text("DROP TRIGGER audit_records_no_delete"))


def test_records_chain_and_verify(ctx):
    records = append(3)
    assert records[1].prev_hash == records[0].hash and records[2].prev_hash == records[1].hash
    checked, broken = audit.verify()
    assert broken is None and checked >= 3


def test_altered_record_is_named(ctx):
    records = append(3)
    switch_off_append_only(db.session.connection())
    db.session.execute(text("UPDATE audit_records SET reason = '不予受理' WHERE id = :id"), {"id": records[1].id})
    db.session.expire_all()
    _checked, broken = audit.verify()
    assert broken == audit.Break(records[1].id, "this record was altered")


def test_deleted_record_breaks_the_next_link(ctx):
    records = append(3)
    switch_off_append_only(db.session.connection())
    db.session.execute(text("DELETE FROM audit_records WHERE id = :id"), {"id": records[1].id})
    db.session.expire_all()
    _checked, broken = audit.verify()
    assert broken == audit.Break(records[2].id, "a record before this one was removed or replaced")


def test_truncated_tail_is_noticed(ctx):
    records = append(2)
    switch_off_append_only(db.session.connection())
    db.session.execute(text("DELETE FROM audit_records WHERE id = :id"), {"id": records[-1].id})
    db.session.expire_all()
    _checked, broken = audit.verify()
    assert broken == audit.Break(None, "records at the end of the chain were removed")


@pytest.mark.parametrize("statement", ["UPDATE audit_records SET reason = 'x'", "DELETE FROM audit_records"])
def test_the_database_refuses_updates_and_deletes(ctx, statement):
    append(1)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text(statement))


def test_cli_verify_exit_codes(runner, app):
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        records = append(2)
        switch_off_append_only(db.session.connection())
        db.session.execute(text("UPDATE audit_records SET actor = 'user:8' WHERE id = :id"), {"id": records[0].id})
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"chain broken at record {records[0].id}: this record was altered" in result.output


def test_filing_a_complaint_is_audited_without_personal_data(ctx):
    from tests.support.complaints import file, named_identity

    filed = file(identity=named_identity())
    entries = audit.for_object("complaint", filed.complaint.id)
    assert [e.action for e in entries] == ["complaint.registered"]
    assert entries[0].actor == f"reporter:{filed.complaint.case_number}"
    assert "测试甲乙丙" not in entries[0].after and filed.receipt not in entries[0].after


def test_concurrent_appends_keep_one_chain(tmp_path, database_url):
    """Writers in separate transactions, committing, on SQLite or PostgreSQL."""
    with isolated_database(database_url, "audit_concurrency", tmp_path) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            db.create_all()
        errors: list[Exception] = []

        def writer() -> None:
            try:
                for _ in range(15):
                    with app.app_context():
                        append(1)
                        db.session.commit()
            except Exception as exc:  # reported below, with the thread's own traceback
                errors.append(exc)

        threads = [threading.Thread(target=writer) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with app.app_context():
            assert errors == []
            assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == 45
            audit.sequence()
            db.session.commit()
            assert audit.verify() == (45, None)
            db.session.remove()
            db.engine.dispose()


def test_the_chain_head_cannot_be_deleted_and_its_absence_is_a_break(ctx):
    append(1)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM audit_head"))
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_head DISABLE TRIGGER audit_head_no_delete"))
    else:
        connection.execute(text("DROP TRIGGER audit_head_no_delete"))
    db.session.execute(text("DELETE FROM audit_head"))
    db.session.expire_all()
    assert audit.verify()[1] == audit.Break(None, "the chain head is missing")


def test_truncate_is_refused_on_postgresql(ctx):
    if db.session.connection().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("TRUNCATE audit_records"))


def test_an_append_does_not_wait_for_the_chain_head(tmp_path, database_url):
    """A writer appends and commits while another transaction holds the chain head row: appends
    take no lock; the sequencer chains the record afterwards (PostgreSQL, where writers run side by side)."""
    if "postgresql" not in database_url:
        pytest.skip("SQLite writers queue for the whole database anyway")
    with isolated_database(database_url, "audit_no_lock", tmp_path) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            db.create_all()
            holder = db.engine.connect()
            holding = holder.begin()
            holder.execute(text("SELECT * FROM audit_head WHERE id = 1 FOR UPDATE"))
            done: list[int] = []

            def writer() -> None:
                with app.app_context():
                    db.session.execute(text("SET LOCAL lock_timeout = '3s'"))
                    done.append(audit.record("user:7", "complaint.accept", "complaint", 1).id)
                    db.session.commit()

            thread = threading.Thread(target=writer)
            thread.start()
            thread.join(timeout=10)
            assert done, "the append waited for the chain head"
            assert audit.sequence() == 0  # the head is held: this sequencer skips, nothing waits
            holding.rollback()
            holder.close()
            assert audit.sequence() == 1
            db.session.commit()
            assert audit.verify() == (1, None)
            db.session.remove()
            db.engine.dispose()
