"""Real portal hosts for tests that need separate processes (shared limits, metrics): gunicorn on a
free local port, started with a given environment and waited for until /healthz answers."""
from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_host(env: dict, port: int) -> subprocess.Popen:
    """One gunicorn worker serving the portal on `port`; fails the test if it never answers."""
    process = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
                                "wsgi:app"], env=env, cwd=PROJECT_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


class Browser:
    """One person's browser against a real host: a keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str]:
        """Send one request (a form post when `fields` are given); the status and the page."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        page = response.read().decode()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _sep, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, page

    def get(self, path: str) -> str:
        status, page = self.request("GET", path)
        assert status == 200, (path, status)
        return page
