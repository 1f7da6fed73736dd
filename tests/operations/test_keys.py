"""`flask keys generate` creates keys for a new installation only; where data exists it refuses and
says to restore the key bundle."""
from __future__ import annotations

import stat

import pytest

from portal.extensions import db
from tests.support.apps import make_app

KEY_SETTINGS = ("SECRET_KEY_FILE", "RECEIPT_PEPPER_FILE", "DATA_KEY_FILE",
                "IDENTITY_PUBLIC_KEY_FILE", "IDENTITY_PRIVATE_KEY_FILE")


def point_keys_at(app, folder) -> None:
    for name in KEY_SETTINGS:
        app.config[name] = folder / name.lower()


def test_keys_generate_creates_private_files_once_on_a_new_installation(tmp_path):
    app = make_app(tmp_path / "instance", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    keys = tmp_path / "keys"
    point_keys_at(app, keys)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["keys", "generate"])
    assert first.exit_code == 0 and first.output.count("created") == 5, first.output
    secret = (keys / "secret_key_file").read_bytes()
    assert stat.S_IMODE((keys / "identity_private_key_file").stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700  # the database lives here too
    second = runner.invoke(args=["keys", "generate"])
    assert second.output.count("kept") == 4 and "created" not in second.output
    assert (keys / "secret_key_file").read_bytes() == secret  # never replaced


def test_a_fresh_checkout_gets_its_keys_before_its_database_exists(tmp_path):
    """`make run` on a new clone: no instance folder, no SQLite file yet. There is no data to lose."""
    import os
    import subprocess
    import sys

    from portal.config import PROJECT_ROOT

    instance = tmp_path / "instance"  # not made: as in a fresh checkout
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update({"PORTAL_ENV": "development", "PORTAL_INSTANCE_PATH": str(instance)})
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "keys", "generate"], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("created") == 5 and (instance / "receipt_pepper").exists()


def test_keys_generate_refuses_a_new_key_beside_existing_data(app, runner, tmp_path):
    saved = {name: app.config[name] for name in KEY_SETTINGS}
    point_keys_at(app, tmp_path)
    try:
        refused = runner.invoke(args=["keys", "generate"])
    finally:
        app.config.update(saved)
    assert refused.exit_code == 1
    assert "Refusing to create pepper, data_key, identity_key" in refused.output
    assert "Restore the key files from the key bundle" in refused.output
    assert not any(tmp_path.iterdir())  # nothing created, not even the secret key


def test_a_missing_key_file_says_to_restore_it(tmp_path, monkeypatch):
    from portal.config import ConfigurationError, load_config

    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with app.app_context():
        db.engine.dispose()
    (tmp_path / "data_key").unlink()
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError) as refused:
        load_config("production")
    message = str(refused.value)
    assert "restore the key files from the key bundle" in message and "new, empty installation" in message
