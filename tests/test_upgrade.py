"""Upgrades: a database made and filled by an older release is migrated by this one without losing data.

The older release is taken from the repository's own history and run as it was (its code, its
migrations, its demo seed); this release then runs `db upgrade` over the filled database, as the
README's upgrade procedure does.
"""
import os
import subprocess
import sys
import tarfile
from io import BytesIO

import pytest
from sqlalchemy import create_engine, inspect, text

from portal.config import PROJECT_ROOT
from tests.support.databases import isolated_database

# The last commit before the review-stage data migration and the supervisors' tables: upgrading from
# it runs a data migration over real rows as well as new tables.
OLDER_RELEASE = "e3c6b06"


def _older_release(folder):
    try:
        archive = subprocess.run(["git", "-C", str(PROJECT_ROOT), "archive", OLDER_RELEASE],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.fail(f"the upgrade test needs the repository's history (a git clone): {error}")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _flask(tree, env, *args):
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], cwd=tree, env=env,
                            capture_output=True, text=True)
    output = f"{result.stdout[-1500:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"flask {' '.join(args)} in {tree}:\n{output}"
    return result.stdout


def _counts(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
            return {n: connection.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}
    finally:
        engine.dispose()


@pytest.mark.slow  # runs an older release's migrations and seed in subprocesses
def test_a_filled_database_of_an_older_release_upgrades_without_losing_rows(tmp_path, database_url):
    older = _older_release(tmp_path / "older")
    with isolated_database(database_url, "upgrade_test", tmp_path) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update({"PORTAL_ENV": "development", "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
                    "PORTAL_DATABASE_URL": url, "PYTHONPATH": ""})
        _flask(older, env, "keys", "generate")
        _flask(older, env, "db", "upgrade")
        _flask(older, env, "seed-demo")
        before = _counts(url)
        assert before["complaints"] > 0 and before["audit_records"] > 0

        _flask(PROJECT_ROOT, env, "db", "upgrade")

        after = _counts(url)
        # Every row of every older table, and one more division: 全国 (000000), which the rules migration adds.
        assert {name: after.get(name) for name in before} == {**before, "regions": before["regions"] + 1}
        assert set(after) > set(before)  # and the newer tables exist
        _flask(PROJECT_ROOT, env, "audit", "verify")  # the chain written by the older release still holds
        _flask(PROJECT_ROOT, env, "seed-demo")  # this release's code reads and extends the upgraded data
        grown = _counts(url)
        assert grown["complaints"] >= before["complaints"]
