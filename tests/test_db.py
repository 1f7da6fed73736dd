"""Database behaviour: SQLite settings, write transactions, UTC timestamps."""
import datetime as dt
import threading

import pytest
from sqlalchemy import text

from portal.db import read_only_transactions
from portal.extensions import db
from portal.institutions.models import Institution
from tests.support.apps import make_app


@pytest.fixture
def sqlite_app(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'settings.sqlite3'}")
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_full_sync(sqlite_app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_write_transactions_take_the_write_lock_at_begin(sqlite_app):
    """A second writer waits at BEGIN instead of failing half-way with 'database is locked'."""
    order: list[str] = []
    engine = db.engine
    first = engine.connect()
    first.begin()  # BEGIN IMMEDIATE: holds the write lock from here on
    first.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x INTEGER)")

    def second_writer():
        with engine.connect() as second:
            with second.begin():
                order.append("second began")
                second.exec_driver_sql("INSERT INTO t VALUES (2)")

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(timeout=0.5)
    assert thread.is_alive(), "the second writer should wait for the first"
    order.append("first commits")
    first.commit()
    first.close()
    thread.join(timeout=10)
    assert order == ["first commits", "second began"]


def test_read_only_requests_do_not_take_the_write_lock(sqlite_app):
    holder = db.engine.connect()
    holder.begin()
    token = read_only_transactions.set(True)
    try:
        with db.engine.connect() as reader:
            with reader.begin():  # BEGIN DEFERRED: reading works while another holds the lock
                assert reader.execute(text("SELECT 1")).scalar() == 1
    finally:
        read_only_transactions.reset(token)
        holder.rollback()
        holder.close()


def test_timestamps_are_aware_utc_on_the_way_back(ctx):
    from portal.regions.models import Region  # noqa: F401

    institution = Institution(name="时间测试培训学校", region_code="330106", kind="arts",
                              licence_status="none", registration_type="none")
    db.session.add(institution)
    db.session.flush()
    db.session.expire(institution)
    assert institution.created_at.tzinfo is not None
    assert institution.created_at.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.timezone.utc) - institution.created_at) < dt.timedelta(minutes=1)


def test_naive_datetimes_are_refused(ctx):
    institution = Institution(name="naive", region_code="330106", kind="arts",
                              licence_status="none", registration_type="none",
                              created_at=dt.datetime(2026, 1, 1))
    db.session.add(institution)
    with pytest.raises(Exception, match="naive"):
        db.session.flush()
    db.session.rollback()


def test_check_constraints_hold_even_without_the_model(ctx):
    """The database itself refuses what the model's validators would, for writes that bypass it."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(text(
                "INSERT INTO institutions (name, uscc, region_code, address, kind, licence_status,"
                " registration_type, on_national_platform, created_at, updated_at) VALUES"
                " ('无证', 'SHORT', '330106', '', 'arts', 'none', 'none', false, :t, :t)"),
                {"t": dt.datetime(2026, 1, 1)})
