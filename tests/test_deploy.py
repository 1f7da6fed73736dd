"""The deploy recipe in deploy/: the files agree with the code, and the README's steps work end to end."""
import os
import re
import subprocess
import sys
import tomllib

import pytest
from sqlalchemy.engine import make_url

from portal import config
from portal.config import PROJECT_ROOT
from tests.support.databases import is_postgresql

DEPLOY = PROJECT_ROOT / "deploy"


def _settings_read_by_config() -> set[str]:
    source = (PROJECT_ROOT / "portal" / "config.py").read_text()
    return {f"PORTAL_{name}" for name in re.findall(r'(?:_env(?:_int|_bool)?|_key_path)\("([A-Z_]+)"', source)}


def test_every_setting_in_the_example_environment_is_one_the_portal_reads():
    example = (DEPLOY / "portal.env.example").read_text()
    named = set(re.findall(r"^(PORTAL_[A-Z_]+)=", example, re.M))
    assert {"PORTAL_ENV", "PORTAL_DATABASE_URL", "PORTAL_RATELIMIT_STORAGE_URI", "PORTAL_TRUSTED_PROXIES"} <= named
    assert named - _settings_read_by_config() == set()
    assert "PORTAL_IDENTITY_PRIVATE_KEY_FILE" not in named  # the private key never goes on a web host
    assert "PORTAL_PLAIN_HTTP_SMOKE_TEST" not in named


def test_the_daily_jobs_run_commands_that_exist(app):
    unit = (DEPLOY / "systemd" / "portal-daily.service").read_text()
    commands = re.findall(r"^ExecStart=\S+/flask (.+)$", unit, re.M)
    assert len(commands) >= 3
    runner = app.test_cli_runner()
    for command in commands:
        words = [w for w in command.split() if not w.startswith("--")]
        result = runner.invoke(args=[*words[:2], "--help"])
        assert result.exit_code == 0, f"flask {command}: {result.output}"
        for option in re.findall(r"(--[a-z-]+)", command):
            assert option in result.output, f"flask {command}: no option {option}"


def test_the_audit_checkpoint_unit_signs_heads_hourly(app):
    unit = (DEPLOY / "systemd" / "portal-audit-checkpoint.service").read_text()
    assert re.search(r"^ExecStart=/srv/portal/.venv/bin/flask audit checkpoint$", unit, re.M)
    assert "OnCalendar=hourly" in (DEPLOY / "systemd" / "portal-audit-checkpoint.timer").read_text()
    assert app.test_cli_runner().invoke(args=["audit", "checkpoint", "--help"]).exit_code == 0


def test_the_whole_audit_log_is_checked_weekly_and_the_daily_check_starts_from_the_newest_head():
    daily = (DEPLOY / "systemd" / "portal-daily.service").read_text()
    assert re.search(r"^ExecStart=\S+/flask audit verify --since-checkpoint$", daily, re.M)
    weekly = (DEPLOY / "systemd" / "portal-audit-full.service").read_text()
    assert re.search(r"^ExecStart=/srv/portal/.venv/bin/flask audit verify$", weekly, re.M)
    assert "OnCalendar=Sun" in (DEPLOY / "systemd" / "portal-audit-full.timer").read_text()


def test_the_outbox_worker_unit_runs_the_worker_command(app):
    unit = (DEPLOY / "systemd" / "portal-outbox.service").read_text()
    assert re.search(r"^ExecStart=/srv/portal/.venv/bin/flask outbox work$", unit, re.M)
    assert re.search(r"^Restart=always$", unit, re.M)
    assert app.test_cli_runner().invoke(args=["outbox", "work", "--help"]).exit_code == 0


def test_the_web_unit_runs_gunicorn_with_the_shipped_settings():
    unit = (DEPLOY / "systemd" / "portal-web.service").read_text()
    assert "ExecStart=/srv/portal/.venv/bin/gunicorn --config /srv/portal/deploy/gunicorn.conf.py wsgi:app" in unit
    assert re.search(r"^KillMode=(mixed|control-group)$", unit, re.M)  # no orphaned worker keeps the port
    assert re.search(r"^Type=notify$", unit, re.M)
    env = {**os.environ, "PORTAL_ENV": "development", "GUNICORN_BIND": "127.0.0.1:0"}
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                             "--check-config", "--config", str(DEPLOY / "gunicorn.conf.py"), "wsgi:app"],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_nginx_site_keeps_no_client_address_and_serves_the_static_folder():
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    log_format = re.search(r"log_format portal_noaddr(.*?);", site, re.S).group(1)
    assert "$remote_addr" not in log_format and "$http_x_forwarded_for" not in log_format
    assert "$request " not in log_format and "$args" not in log_format  # query strings may hold a name
    assert all(line.split()[-1].rstrip(";") == "portal_noaddr"
               for line in re.findall(r"^\s*access_log [^o].*$", site, re.M))
    alias = re.search(r"alias (\S+);", site).group(1)
    assert alias == "/srv/portal/static/" and (PROJECT_ROOT / "static" / "css" / "portal.css").exists()
    body = re.search(r"client_max_body_size (\d+)m;", site).group(1)
    assert int(body) * 1024 * 1024 >= config.TestingConfig().MAX_CONTENT_LENGTH


def test_the_lock_file_pins_every_dependency_with_hashes():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    lock = (PROJECT_ROOT / "requirements.lock").read_text()
    pinned = {name.lower().replace("_", "-"): version
              for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", lock, re.M)}
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower().replace("_", "-")
        assert name in pinned, f"{name} is not in requirements.lock"
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n\n", 1)[-1])
    assert all("--hash=sha256:" in entry for entry in entries if "==" in entry)


@pytest.mark.slow  # a real deployment: new database, gunicorn, HTTP
def test_the_readme_deploy_steps_work_on_postgresql_and_redis(database_url, tmp_path):
    if not is_postgresql(database_url):
        pytest.skip("the deploy recipe is for PostgreSQL; CI's PostgreSQL run executes this test")
    admin = make_url(database_url).set(query={}).render_as_string(hide_password=False)
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "deploy-smoke"),
                             "--admin-url", admin, "--database", "portal_deploy_smoke",
                             "--redis-url", config.TestingConfig().TEST_REDIS_URL],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deploy-smoke: passed" in result.stdout
