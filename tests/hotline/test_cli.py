"""`flask hotline …`: partners added and managed from the command line, audited, the secret printed
once and never stored in the clear; in production, on a database without demo data."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import select

from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.hotline import partners
from portal.hotline.models import Partner
from portal.security import keys
from portal.security.audit import AuditRecord, for_object
from tests.support.apps import make_app
from tests.support.databases import isolated_database

KEY_FILES = ("secret_key", "receipt_pepper", "data_key", "identity_key.pub", "identity_key")


def _secret(output: str) -> str:
    return re.search(r"secret \(shown once[^)]*\): (\S+)", output).group(1)


def test_a_partner_is_added_rotated_moved_and_stopped_with_an_audit_trail(app, runner):
    added = runner.invoke(args=["hotline", "add", "--name", "杭州市12345热线", "--region", "330100",
                                "--callback-url", "https://12345.example.gov.cn/edu/callbacks"])
    assert added.exit_code == 0, added.output
    client_id, secret = re.search(r"hotline: (hl_\w+)", added.output).group(1), _secret(added.output)
    renewed = runner.invoke(args=["hotline", "new-secret", client_id])
    assert runner.invoke(args=["hotline", "set-callback", client_id, "https://12345.example.gov.cn/v2"]).exit_code == 0
    assert runner.invoke(args=["hotline", "stop", client_id, "--reason", "接口升级"]).exit_code == 0
    listed = runner.invoke(args=["hotline", "list"]).output
    assert client_id in listed and "stopped" in listed and secret not in listed
    with app.app_context():
        partner = partners.get(client_id)
        assert partners.secret_of(partner) == _secret(renewed.output) != secret
        assert secret.encode() not in partner.secret_encrypted
        assert partner.callback_url.endswith("/v2") and not partner.active
        actions = [r.action for r in for_object("hotline_partner", partner.id)]
        assert actions == ["hotline.partner_added", "hotline.partner_secret_replaced",
                           "hotline.partner_callback_changed", "hotline.partner_disabled"]
        assert not any(secret in str(r.after) for r in db.session.scalars(select(AuditRecord)))


@pytest.mark.parametrize("url", ["http://12345.example.gov.cn/cb", "ftp://127.0.0.1/cb",
                                 "https://user:pw@12345.example.gov.cn/cb", "not a url"])
def test_a_callback_address_must_be_https_or_this_machine(runner, url):
    refused = runner.invoke(args=["hotline", "add", "--name", "x", "--region", "330100", "--callback-url", url])
    assert refused.exit_code != 0 and "https" in refused.output


def test_a_partner_serves_a_place_not_the_whole_country(runner):
    refused = runner.invoke(args=["hotline", "add", "--name", "x", "--region", "000000",
                                  "--callback-url", "https://a.example/cb"])
    assert refused.exit_code != 0 and "whole country" in refused.output


@pytest.mark.slow  # a database from scratch and a process per command
def test_partners_are_managed_in_production_without_demo_data(tmp_path, database_url):
    with isolated_database(database_url, "hotline_cli", tmp_path) as url:
        instance = tmp_path / "keys"
        instance.mkdir()
        keys.generate(*(instance / name for name in KEY_FILES))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update({"PORTAL_ENV": "production", "PORTAL_DATABASE_URL": url, "PORTAL_INSTANCE_PATH": str(instance),
                    "PORTAL_RATELIMIT_ALLOW_MEMORY": "1", "PORTAL_SMS_ADAPTER": "log",
                    **{f"PORTAL_{name.upper()}_FILE": str(instance / name) for name in KEY_FILES[:3]},
                    "PORTAL_IDENTITY_PUBLIC_KEY_FILE": str(instance / "identity_key.pub")})

        def flask(*args: str) -> str:
            result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], cwd=PROJECT_ROOT,
                                    env=env, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stderr[-2000:]
            return result.stdout

        flask("db", "upgrade")
        flask("regions", "load")
        added = flask("hotline", "add", "--name", "杭州市12345政务服务便民热线", "--region", "330100",
                      "--callback-url", "https://12345.example.gov.cn/edu/callbacks")
        assert "hl_" in flask("hotline", "list") and _secret(added) not in flask("hotline", "list")
        flask("audit", "verify")
        with make_app(tmp_path / "reader", url).app_context():
            [partner] = db.session.scalars(select(Partner)).all()
            # encrypted under the production host's data key (which this reader does not hold)
            assert _secret(added).encode() not in partner.secret_encrypted and partner.region_code == "330100"
            assert db.session.scalar(select(AuditRecord.actor).where(
                AuditRecord.action == "hotline.partner_added")) == "system"
