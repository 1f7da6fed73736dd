"""Rate limits kept in Redis are shared by every worker and host.

Two gunicorn processes (two "hosts") serve the same database with limits in Redis: lookups
counted on one are refused on the other. Flask-Limiter keeps one storage per process, so this
needs real separate processes, as in production.
"""
import http.client
import os
import secrets
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import redis

from portal.config import PROJECT_ROOT
from tests.support.databases import isolated_database
from tests.support.forms import hidden
from tests.support.servers import free_port, start_host

pytestmark = pytest.mark.slow  # starts two real portal hosts

BIN = Path(sys.executable).parent


def lookup(port: int) -> int:
    """One wrong receipt lookup, with its own CSRF token and session, as a browser would."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/track")
    response = connection.getresponse()
    token = hidden(response.read().decode(), "csrf_token")
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    body = urllib.parse.urlencode({"csrf_token": token, "receipt": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    connection.request("POST", "/track", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    return connection.getresponse().status


def test_two_hosts_count_lookups_together(tmp_path, database_url, redis_url):
    prefix = f"test-{secrets.token_hex(4)}"
    with isolated_database(database_url, "shared_limits", tmp_path) as url:
        env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_INSTANCE_PATH": str(tmp_path),
               "PORTAL_SMS_ADAPTER": "log",
               "PORTAL_DATABASE_URL": url, "PORTAL_SECURE_COOKIES": "0",
               "PORTAL_RATELIMIT_STORAGE_URI": redis_url, "PORTAL_RATELIMIT_KEY_PREFIX": prefix,
               "PORTAL_LIMIT_RECEIPT_LOOKUP": "3 per minute"}
        flask = [str(BIN / "flask"), "--app", "portal"]
        subprocess.run(flask + ["keys", "generate"], env={**env, "PORTAL_ENV": "development"},
                       cwd=PROJECT_ROOT, check=True, capture_output=True)
        subprocess.run(flask + ["db", "upgrade"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
        ports = [free_port(), free_port()]
        hosts = [start_host(env, port) for port in ports]
        try:
            assert [lookup(ports[0]) for _ in range(3)] == [422, 422, 422]
            assert lookup(ports[1]) == 429  # the other host knows the client is over its limit
        finally:
            for host in hosts:
                host.terminate()
                host.wait(timeout=10)
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"*{prefix}*"):
                client.delete(key)
