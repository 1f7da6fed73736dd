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
