"""Throughput and latency of portal pages under gunicorn, as ratios to a trivial endpoint.

Starts gunicorn (2 workers) in production mode on a freshly seeded database, runs each
scenario a fixed number of times from a few client threads over keep-alive connections (a
scenario is what one person does: one page, or a form opened and posted), and prints
operations/s, p50 and p99 for each beside the baseline measured in the same run.
Absolute numbers depend on the machine; the ratios are what to compare between runs.

    .venv/bin/python benchmarks/run.py [--requests 600] [--clients 4] [--database-url URL]
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class Browser:
    """One client: a keep-alive connection and its session cookie, like one person's browser."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str]:
        headers = {"Accept-Language": "zh-CN"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        if response.getheader("Set-Cookie"):
            self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        return response.status, text


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', page)
    return match.group(1)


COMPLAINT = {"category": "unlicensed", "not_listed": "y", "institution_name": "小蜜蜂学习屋",
             "institution_address": "杭州市西湖区文三路100号", "region": "330106",
             "description": "周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
             "occurred_on": "2026-11-01", "identity": "anonymous"}


def submit_complaint(browser: Browser) -> tuple[int, str]:
    """Open the form, then post it: what filing one complaint costs."""
    _status, form = browser.request("GET", "/complaints/new")
    tokens = {name: hidden(form, name) for name in ("csrf_token", "form_token")}
    status, page = browser.request("POST", "/complaints/new", {**tokens, **COMPLAINT})
    return status, page


def track_case(browser: Browser, receipt: str) -> int:
    """Open the tracking form, post the receipt, follow the redirect to the case page."""
    _status, form = browser.request("GET", "/track")
    status, _page = browser.request("POST", "/track", {"csrf_token": hidden(form, "csrf_token"),
                                                        "receipt": receipt.lower()})
    if status != 302:
        return status
    return browser.request("GET", "/track/case")[0]


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Browser, dict], int]


def page(path: str) -> Callable[[Browser, dict], int]:
    return lambda browser, _state: browser.request("GET", path)[0]


BASELINE = Scenario("baseline: /healthz", page("/healthz"))
# Each feature adds its scenarios here.
SCENARIOS = [
    Scenario("registry search, 2 Chinese characters", page("/institutions?q=" + urllib.parse.quote("培训"))),
    Scenario("registry search, 1 character + area", page("/institutions?q=" + urllib.parse.quote("艺")
                                                          + "&region=330100")),
    Scenario("institution detail", page("/institutions/1")),
    Scenario("home page", page("/")),
    Scenario("submit a complaint (form + post)", lambda b, _s: submit_complaint(b)[0]),
    Scenario("track a case (form + post + case page)", lambda b, s: track_case(b, s["receipt"])),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict[str, str]) -> None:
    """Keys, schema and demo data, through the portal's own commands."""
    flask = [str(BIN / "flask"), "--app", "portal"]
    # Keys are made before production can start; demo data is refused in production on purpose.
    development = {**env, "PORTAL_ENV": "development"}
    for args, environment in ((["keys", "generate"], development), (["db", "upgrade"], env),
                              (["seed-demo"], development)):
        subprocess.run(flask + args, env=environment, cwd=ROOT, check=True, capture_output=True)


def start_gunicorn(env: dict[str, str], port: int, wait: float = 30) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not answer /healthz within {wait:.0f} s: " + process.stderr.read().decode())


def measure(port: int, scenario: Scenario, requests: int, clients: int, state: dict) -> dict:
    """Run the scenario `requests` times from `clients` threads; return rate and latency percentiles."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(count: int) -> None:
        browser = Browser(port)
        mine = []
        for _ in range(count):
            started = time.perf_counter()
            status = scenario.run(browser, state)
            mine.append(time.perf_counter() - started)
            if status != 200:
                with lock:
                    errors.append(status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in share]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": len(errors),
    }


def report(results: list[tuple[Scenario, dict]]) -> None:
    base = results[0][1]
    print(f"{'scenario':44} {'ops/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ops ratio':>10} {'p50 ratio':>10}")
    for scenario, r in results:
        print(f"{scenario.name:44} {r['rps']:8.1f} {r['p50']:8.2f} {r['p99']:8.2f} "
              f"{r['rps'] / base['rps']:10.2f} {r['p50'] / base['p50']:10.2f}"
              + (f"   ({r['errors']} non-200)" if r["errors"] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # One machine measuring itself: the limits are lifted anyway, so each worker may count its own.
        env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_SMS_ADAPTER": "log", "PORTAL_INSTANCE_PATH": folder,
               "PORTAL_RATELIMIT_ALLOW_MEMORY": "1", "PORTAL_SECURE_COOKIES": "0",
               "PORTAL_LIMIT_COMPLAINT_SUBMIT": "1000000 per hour",
               "PORTAL_LIMIT_COMPLAINT_POST": "1000000 per hour",
               "PORTAL_LIMIT_COMPLAINT_FORM_POST": "1000000 per hour",
               "PORTAL_LIMIT_RECEIPT_LOOKUP": "1000000 per minute",
               "PORTAL_DATABASE_URL": args.database_url or f"sqlite:///{folder}/bench.sqlite3"}
        prepare(env)
        port = free_port()
        server = start_gunicorn(env, port)
        try:
            _status, receipt_page = submit_complaint(Browser(port))
            state = {"receipt": re.search(r'class="receipt__code mono"[^>]*>([^<]+)<', receipt_page).group(1)}
            for scenario in [BASELINE, *SCENARIOS]:  # warm both workers up
                measure(port, scenario, 20, 2, state)
            results = [(s, measure(port, s, args.requests, args.clients, state))
                       for s in [BASELINE, *SCENARIOS]]
        finally:
            server.terminate()
            server.wait(timeout=10)
    report(results)


if __name__ == "__main__":
    main()
