"""`/metrics`: Prometheus text for the bearer of PORTAL_METRICS_TOKEN only (404 otherwise), counting
requests by route pattern and reading overdue cases per office; several gunicorn workers add up."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask

from portal import clock
from portal.config import PROJECT_ROOT
from portal.extensions import db
from tests.support import complaints
from tests.support.databases import isolated_database

TOKEN = "metrics-test-token-0123456789"
BIN = Path(sys.executable).parent


@pytest.fixture
def with_token(app: Flask):
    app.config["METRICS_TOKEN"] = TOKEN
    yield app
    app.config["METRICS_TOKEN"] = None


def scrape(client, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/metrics", headers=headers)


def value(text: str, name: str, **labels) -> float:
    """The sample `name{labels}` in Prometheus text (labels in any order), 0 when absent."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(key) == wanted for key, wanted in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_without_a_token_setting_metrics_do_not_exist(client):
    assert scrape(client).status_code == 404 and scrape(client, None).status_code == 404


def test_a_wrong_or_missing_token_gets_404(with_token, client):
    assert scrape(client, "wrong").status_code == 404
    assert scrape(client, None).status_code == 404


def test_requests_are_counted_by_route_pattern(with_token, client):
    pattern = "/institutions/<int:institution_id>"
    before = value(scrape(client).get_data(as_text=True), "portal_requests_total", route=pattern, status="200")
    for institution in (1, 2):
        client.get(f"/institutions/{institution}")
    text = scrape(client).get_data(as_text=True)
    assert value(text, "portal_requests_total", route=pattern, method="GET", status="200") == before + 2
    assert "portal_request_duration_seconds_bucket" in text
    assert 'route="/institutions/1"' not in text  # the pattern, never the path


def test_overdue_cases_are_counted_per_office(with_token, client, app):
    with app.app_context():
        filed = complaints.file(received_on=dt.date(2026, 1, 5))
        filed.complaint.next_due = clock.today() - dt.timedelta(days=3)
        db.session.commit()
        office = filed.complaint.handling_region_code
    text = scrape(client).get_data(as_text=True)
    assert value(text, "portal_overdue_cases", office=office) >= 1
    assert "portal_outbox_waiting" in text and "portal_outbox_oldest_waiting_seconds" in text


def http_get(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.read().decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_several_gunicorn_workers_add_up(tmp_path, database_url):
    """Two workers in prometheus-client's multiprocess mode: any worker's scrape counts every request;
    each request is one JSON access line on stderr."""
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    with isolated_database(database_url, "metrics_workers", tmp_path) as url:
        env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_INSTANCE_PATH": str(tmp_path),
               "PORTAL_SMS_ADAPTER": "log",
               "PORTAL_DATABASE_URL": url, "PORTAL_SECURE_COOKIES": "0", "PORTAL_METRICS_TOKEN": TOKEN,
               "PORTAL_RATELIMIT_ALLOW_MEMORY": "1"}
        flask = [str(BIN / "flask"), "--app", "portal"]
        subprocess.run(flask + ["keys", "generate"], env={**env, "PORTAL_ENV": "development"},
                       cwd=PROJECT_ROOT, check=True, capture_output=True)
        subprocess.run(flask + ["db", "upgrade"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)  # the service's workers only
        env["PORTAL_LOG_FORMAT"] = "json"
        port = free_port()
        server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                                   "wsgi:app"], env=env, cwd=PROJECT_ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                try:
                    if http_get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
            # New connections, until both workers have answered some (a loaded machine may boot the second
            # one late): at least 40 requests, at most 400.
            sent = 0
            while sent < 400:
                assert http_get(port, "/readyz")[0] in (200, 503)
                sent += 1
                workers = {int(name.split("_")[-1].split(".")[0]) for name in os.listdir(metrics_dir)}
                if sent >= 40 and len(workers) == 2:
                    break
            status, text = http_get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
        finally:
            server.terminate()
            server.wait(timeout=20)
        logged = server.stderr.read().decode()
    assert status == 200
    access = [json.loads(line) for line in logged.splitlines()
              if line.startswith("{") and '"portal.access"' in line]
    assert len([line for line in access if line["route"] == "/readyz"]) == sent  # one JSON line per request
    assert {line["pid"] for line in access} == workers
    assert len(workers) == 2  # both workers answered and wrote their counts
    assert value(text, "portal_requests_total", route="/readyz") == sent
