"""Throughput and latency of portal pages under gunicorn, as ratios to a trivial endpoint.

Starts gunicorn (2 workers) in production mode on a freshly seeded database, sends a fixed
number of requests per scenario from a few client threads over keep-alive connections, and
prints requests/s, p50 and p99 for each scenario beside the baseline measured in the same run.
Absolute numbers depend on the machine; the ratios are what to compare between runs.

    .venv/bin/python benchmarks/run.py [--requests 600] [--clients 4] [--database-url URL]
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    method: str = "GET"


BASELINE = Scenario("baseline: /healthz", "/healthz")
# Later features append their scenarios here.
SCENARIOS = [
    Scenario("registry search, 2 Chinese characters", "/institutions?q=" + urllib.parse.quote("培训")),
    Scenario("registry search, 1 character + area", "/institutions?q=" + urllib.parse.quote("艺")
             + "&region=330100"),
    Scenario("institution detail", "/institutions/1"),
    Scenario("home page", "/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict[str, str]) -> None:
    """Keys, schema and demo data, through the portal's own commands."""
    flask = [str(BIN / "flask"), "--app", "portal"]
    # Production refuses to start without keys, so they are made in development mode.
    subprocess.run(flask + ["keys", "generate"], env={**env, "PORTAL_ENV": "development"},
                   cwd=ROOT, check=True, capture_output=True)
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True, capture_output=True)


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer /healthz within 30 s: " + process.stderr.read().decode())


def measure(port: int, scenario: Scenario, requests: int, clients: int) -> dict:
    """Send `requests` requests from `clients` threads; return rate and latency percentiles."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(count):
            started = time.perf_counter()
            connection.request(scenario.method, scenario.path, headers={"Accept-Language": "zh-CN"})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors.append(response.status)
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
    print(f"{'scenario':44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'rps ratio':>10} {'p50 ratio':>10}")
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
        env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_INSTANCE_PATH": folder,
               "PORTAL_SECURE_COOKIES": "0",
               "PORTAL_DATABASE_URL": args.database_url or f"sqlite:///{folder}/bench.sqlite3"}
        prepare(env)
        port = free_port()
        server = start_gunicorn(env, port)
        try:
            for scenario in [BASELINE, *SCENARIOS]:  # warm both workers up
                measure(port, scenario, 20, 2)
            results = [(s, measure(port, s, args.requests, args.clients)) for s in [BASELINE, *SCENARIOS]]
        finally:
            server.terminate()
            server.wait(timeout=10)
    report(results)


if __name__ == "__main__":
    main()
