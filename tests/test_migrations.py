"""Migrations: `upgrade head` builds exactly the models' schema; every revision goes up and down."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from portal import models  # noqa: F401
from portal.config import PROJECT_ROOT
from portal.extensions import db
from tests.support.apps import make_app
from tests.support.databases import isolated_database

MIGRATIONS = str(PROJECT_ROOT / "migrations")


@pytest.fixture
def empty_app(tmp_path, database_url):
    with isolated_database(database_url, "migrations_test", tmp_path) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def revisions() -> list[str]:
    script = ScriptDirectory(MIGRATIONS)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_upgrade_head_matches_the_models(empty_app):
    upgrade(MIGRATIONS)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_file_names_are_timestamped():
    names = sorted(p.name for p in (PROJECT_ROOT / "migrations" / "versions").glob("*.py"))
    assert names and all(name[:8].isdigit() and name[8] == "_" for name in names)


def test_every_revision_upgrades_and_downgrades(empty_app):
    for revision in revisions():
        upgrade(MIGRATIONS, revision)
        downgrade(MIGRATIONS, "-1")
        upgrade(MIGRATIONS, revision)
    downgrade(MIGRATIONS, "base")
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_migrated_check_constraints_accept_every_enum_value(empty_app):
    """Enums are stored as strings with a CHECK constraint, which autogenerate does not compare:
    a migration that forgets to widen one passes the schema test but refuses real rows."""
    from sqlalchemy import Enum

    upgrade(MIGRATIONS)
    inspector = db.inspect(db.engine)
    for table in db.metadata.sorted_tables:
        checks = " ".join(c["sqltext"] for c in inspector.get_check_constraints(table.name))
        for column in table.columns:
            if isinstance(column.type, Enum):
                for value in column.type.enums:
                    assert f"'{value}'" in checks, f"{table.name}.{column.name} refuses {value!r}"


def test_upgrade_keeps_existing_complaints_and_their_files(empty_app):
    """Upgrading a database that holds data: tables rebuilt by batch migrations on SQLite keep
    their rows, and nothing is left pointing at a row that is gone."""
    from sqlalchemy import text

    first_with_files = "993d817c2a3c"  # complaints, timeline and attachments
    upgrade(MIGRATIONS, first_with_files)
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO regions (code, name_zh, name_en, level, parent_code, path_zh, path_en, \"current\")"
            " VALUES ('330106', '西湖区', 'Xihu District', 'county', NULL, '西湖区', 'Xihu District', true)"))
        connection.execute(text(
            "INSERT INTO complaints (case_number, receipt_digest, source, status, category, institution_name,"
            " institution_address, region_code, description, ongoing, anonymous, received_on, acceptance_due,"
            " due_provisional, created_at) VALUES ('330106-20261122-0001', 'd', 'online', 'registered',"
            " 'unlicensed', '小蜜蜂', '文三路', '330106', '周末上课，没有证照，预收一年学费。', true, true,"
            " '2026-11-22', '2026-12-07', false, '2026-11-22 08:00:00')"))
        connection.execute(text("INSERT INTO complaint_events (complaint_id, kind, public, body, created_at)"
                                " VALUES (1, 'registered', true, '', '2026-11-22 08:00:00')"))
        connection.execute(text(
            "INSERT INTO attachments (complaint_id, event_id, filename, media_type, size, ciphertext,"
            " wrapped_key, created_at) VALUES (1, 1, 'evidence-1.jpg', 'image/jpeg', 3, :c, :k,"
            " '2026-11-22 08:00:00')"), {"c": b"abc", "k": b"key"})
    upgrade(MIGRATIONS)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM attachments")).scalar() == 1
        assert connection.execute(text("SELECT actor_label FROM complaint_events")).scalar() == ""
        assert connection.execute(text("SELECT extended FROM complaints")).scalar() in (False, 0)
