"""The complaint form's filing limit kept in Redis is shared by every host: two real portal hosts
(gunicorn, production mode) count one client's complaints together, and a correction sent to the
other host is still returned for correction, not refused."""
import http.client
import os
import secrets
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import redis

from portal import config
from portal.config import PROJECT_ROOT
from tests.support.complaints import form_fields
from tests.support.databases import isolated_database
from tests.support.forms import hidden
from tests.support.servers import free_port, start_host

pytestmark = pytest.mark.slow  # starts two real portal hosts

BIN = Path(sys.executable).parent


def send_form(port: int, **overrides) -> tuple[int, str]:
    """A complaint form opened and sent, as a browser with its own session would."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", "/complaints/new?lang=en")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = "; ".join(header.split(";", 1)[0] for header in response.msg.get_all("Set-Cookie"))
    fields = {"csrf_token": hidden(page, "csrf_token"), "form_token": hidden(page, "form_token"),
              **form_fields(**overrides)}
    connection.request("POST", "/complaints/new?lang=en", body=urllib.parse.urlencode(fields), headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    answer = connection.getresponse()
    return answer.status, answer.read().decode()


def test_two_hosts_count_filed_complaints_together(tmp_path, database_url):
    redis_url = config.TestingConfig().TEST_REDIS_URL
    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is needed at {redis_url} (PORTAL_TEST_REDIS_URL)")
    prefix = f"test-{secrets.token_hex(4)}"
    with isolated_database(database_url, "shared_filing_limit", tmp_path) as url:
        env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_INSTANCE_PATH": str(tmp_path),
               "PORTAL_SMS_ADAPTER": "log",
               "PORTAL_DATABASE_URL": url, "PORTAL_SECURE_COOKIES": "0",
               "PORTAL_RATELIMIT_STORAGE_URI": redis_url, "PORTAL_RATELIMIT_KEY_PREFIX": prefix,
               "PORTAL_LIMIT_COMPLAINT_SUBMIT": "2 per hour"}
        flask = [str(BIN / "flask"), "--app", "portal"]
        subprocess.run(flask + ["keys", "generate"], env={**env, "PORTAL_ENV": "development"},
                       cwd=PROJECT_ROOT, check=True, capture_output=True)
        for command in (["db", "upgrade"], ["regions", "load"]):
            subprocess.run(flask + command, env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
        ports = [free_port(), free_port()]
        hosts = [start_host(env, port) for port in ports]
        try:
            assert send_form(ports[0])[0] == 200
            assert send_form(ports[1])[0] == 200
            corrected = send_form(ports[1], description="too short")
            assert corrected[0] == 422, "a correction was refused by the limit"
            status, page = send_form(ports[0], description="周末给小学生上数学课，没有任何证照。第三次投诉。")
            assert status == 429 and "Your complaint has not been sent yet" in page
            assert "第三次投诉" in page  # what they typed is still there
        finally:
            for host in hosts:
                host.terminate()
                host.wait(timeout=10)
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"*{prefix}*"):  # the storage puts its own prefix first
                client.delete(key)
