"""`/readyz` reports each dependency on its own (database, schema, keys against the stored data,
rate-limit storage, mail) and answers 503 when one the portal needs fails; `flask keys …`."""
from __future__ import annotations

import json
import secrets
import socket
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from portal import ratelimits
from portal.config import PROJECT_ROOT
from portal.extensions import db, limiter
from portal.operations import readiness
from tests.support.apps import make_app
from tests.support.complaints import MARKER_NAME, MARKER_PHONE


@pytest.fixture
def stamped(app: Flask) -> Iterator[Flask]:
    """The test database, built from the models, marked as migrated to this code's heads (rolled back)."""
    with app.app_context():
        db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        for head in readiness.schema_heads():
            db.session.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": head})
        db.session.commit()
    yield app


def other_key(app: Flask, setting: str, tmp_path, content: bytes) -> None:
    path = tmp_path / setting.lower()
    path.write_bytes(content)
    app.config[setting] = path


@pytest.fixture
def restore_keys(app: Flask) -> Iterator[Flask]:
    settings = ("RECEIPT_PEPPER_FILE", "DATA_KEY_FILE", "IDENTITY_PUBLIC_KEY_FILE", "IDENTITY_PRIVATE_KEY_FILE")
    saved = {name: app.config[name] for name in settings}
    yield app
    app.config.update(saved)


def readyz(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, response.get_json()


def test_ready_reports_every_dependency_without_personal_data(stamped, client):
    status, body = readyz(client)
    assert status == 200 and body["status"] == "ready"
    checks = body["checks"]
    assert set(checks) == {"database", "schema", "keys", "rate_limits", "mail"}
    assert checks["database"]["ok"] and checks["schema"]["ok"]
    assert checks["keys"]["data_key"]["sample"] == "opened"  # the demo's stored data opened
    assert checks["keys"]["identity_key"]["sample"] == "opened"
    assert checks["keys"]["pepper"]["state"] == "unrecorded"
    raw = json.dumps(body, ensure_ascii=False)
    assert MARKER_NAME not in raw and MARKER_PHONE not in raw and "fingerprint" not in raw
    assert client.get("/healthz").status_code == 200


def test_a_database_behind_the_code_is_not_ready(app, client):
    status, body = readyz(client)  # built from the models, never migrated: no revision recorded
    assert status == 503 and body["checks"]["schema"]["ok"] is False
    assert body["checks"]["schema"]["expected"] == list(readiness.schema_heads())


def test_the_expected_heads_are_alembics_own():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    assert readiness.schema_heads() == tuple(sorted(ScriptDirectory.from_config(config).get_heads()))


def test_another_data_key_is_not_ready(stamped, restore_keys, client, tmp_path):
    other_key(stamped, "DATA_KEY_FILE", tmp_path, secrets.token_hex(32).encode())
    status, body = readyz(client)
    assert status == 503 and body["checks"]["keys"]["ok"] is False
    assert body["checks"]["keys"]["data_key"]["sample"] == "failed"


def test_keys_check_records_fingerprints_and_a_changed_pepper_is_refused(stamped, restore_keys, runner, client,
                                                                          tmp_path):
    first = runner.invoke(args=["keys", "check"])
    assert first.exit_code == 0, first.output
    assert "recorded the fingerprint of pepper" in first.output and "sample: opened" in first.output
    assert readyz(client)[1]["checks"]["keys"]["pepper"]["state"] == "ok"
    other_key(stamped, "RECEIPT_PEPPER_FILE", tmp_path, secrets.token_hex(32).encode())
    status, body = readyz(client)
    assert status == 503 and body["checks"]["keys"]["pepper"]["state"] == "mismatch"
    refused = runner.invoke(args=["keys", "check"])
    assert refused.exit_code == 1 and "pepper" in refused.output and "key bundle" in refused.output


def test_another_identity_key_pair_is_not_ready(stamped, restore_keys, client, tmp_path):
    from nacl.encoding import HexEncoder
    from nacl.public import PrivateKey

    private = PrivateKey.generate()
    other_key(stamped, "IDENTITY_PRIVATE_KEY_FILE", tmp_path, private.encode(HexEncoder))
    other_key(stamped, "IDENTITY_PUBLIC_KEY_FILE", tmp_path, private.public_key.encode(HexEncoder))
    status, body = readyz(client)
    assert status == 503 and body["checks"]["keys"]["identity_key"]["sample"] == "failed"


def test_a_missing_key_is_not_ready(stamped, restore_keys, client, tmp_path):
    stamped.config["RECEIPT_PEPPER_FILE"] = tmp_path / "absent"
    status, body = readyz(client)
    assert status == 503 and body["checks"]["keys"]["pepper"]["state"] == "missing"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("mode, expected", [("allow", 200), ("refuse", 503)])
def test_redis_down_is_degraded_unless_the_portal_refuses_without_it(stamped, client, mode, expected):
    stamped.config.update(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/4",
                          RATELIMIT_ON_STORAGE_ERROR=mode)
    ratelimits.configure(stamped)
    limiter.init_app(stamped)
    try:
        status, body = readyz(client)
    finally:
        stamped.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ON_STORAGE_ERROR="allow")
        limiter.init_app(stamped)
    assert status == expected
    assert body["checks"]["rate_limits"]["ok"] is False and body["checks"]["database"]["ok"]


def test_redis_that_answers_is_reported(stamped, client):
    from portal.config import TestingConfig

    stamped.config.update(RATELIMIT_STORAGE_URI=TestingConfig().TEST_REDIS_URL)
    ratelimits.configure(stamped)
    limiter.init_app(stamped)
    try:
        status, body = readyz(client)
    finally:
        stamped.config.update(RATELIMIT_STORAGE_URI="memory://")
        limiter.init_app(stamped)
    assert status == 200 and body["checks"]["rate_limits"] == {"ok": True, "required": False, "storage": "redis",
                                                               "state": "ok"}


def test_a_database_that_does_not_answer_is_not_ready(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'missing-folder' / 'portal.sqlite3'}")
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["checks"]["database"]["ok"] is False
    assert "keys" not in body["checks"]
