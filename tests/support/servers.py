"""Real portal hosts for tests that need separate processes (shared limits, metrics): gunicorn on a
free local port, started with a given environment and waited for until /healthz answers."""
from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
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
