"""Fixtures: one app per session on the test database; every test runs inside a rolled-back transaction."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import event

from portal.config import TestingConfig
from portal.extensions import db, limiter
from tests.support.apps import make_app

# Shared fixtures: staff clients, mail servers, the live server and Chromium.
pytest_plugins = ["tests.support.fixtures", "tests.support.mail", "tests.support.tencent_sms", "tests.browser.fixtures"]


def test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """PORTAL_TEST_DATABASE_URL when set (PostgreSQL in CI), else a SQLite file for this run."""
    configured = TestingConfig().SQLALCHEMY_DATABASE_URI
    if configured.startswith("postgresql"):
        return configured
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return test_database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def session_app(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    """The app with a schema built from the models and the demo data loaded, once per run."""
    from portal import demo, models  # noqa: F401

    app = make_app(tmp_path_factory.mktemp("instance"), database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        list(demo.seed())
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(session_app: Flask) -> Iterator[Flask]:
    """The session app, with everything a test writes rolled back afterwards.

    Requests commit as usual; each commit only releases a savepoint inside the outer
    transaction that is rolled back at the end (Warehouse's pattern).
    """
    engines = db._app_engines[session_app]
    engine = engines[None]
    connection = engine.connect()
    outer = connection.begin()
    engines[None] = connection
    db.session.session_factory.kw["join_transaction_mode"] = "create_savepoint"
    limiter.reset()
    try:
        yield session_app
    finally:
        engines[None] = engine
        outer.rollback()
        connection.close()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for service tests. View tests use `client` without it, so every
    request gets its own context and session, as in production."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class QueryCounter:
    """Counts the statements sent to the database while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(session_app: Flask):
    """Use as `with count_queries() as counter:`; `counter.count` is the number of statements."""
    import contextlib

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()
        target = db._app_engines[session_app][None]
        target = target.engine if hasattr(target, "engine") else target
        event.listen(target, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(target, "before_cursor_execute", counter)

    return counting
