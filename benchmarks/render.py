"""What a rendered public list page costs, beside a typical Flask + Flask-SQLAlchemy page.

Builds (or reuses) the reference app's 100,000-row SQLite table (`benchmarks/reference/`) and a
portal database with 100,000 institutions and 10,000 blacklist entries (`searchdata.py`), serves
both with gunicorn (2 workers each, the portal in production mode with its page cache off, so
every request renders), loads each page with wrk (8 connections) for a few seconds, round after
round, and prints requests/s and latency with the ratio to the reference's 20-row list page.
`--profile` first renders each portal page in-process under cProfile and prints where the time
goes. Absolute numbers depend on the machine and its load; compare the ratios of one run.

    .venv/bin/python benchmarks/render.py [--folder /tmp/render-bench] [--seconds 10] [--rounds 2] [--profile]

With `--folder`, the databases and keys are kept there and reused by the next run.
Needs wrk (`apt install wrk`).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import run as http_bench  # noqa: E402  (benchmarks/run.py: free ports, BIN, ROOT)

REFERENCE_LIST = ("reference: 20-row list page", "reference", "/institutions?page=7")
PAGES = [
    ("reference: bare hello", "reference", "/hello"),
    REFERENCE_LIST,
    ("portal: /healthz", "portal", "/healthz"),
    ("portal: /blacklist rendered, 10,000 entries", "portal", "/blacklist"),
    ("portal: /institutions?q=培训 rendered, 100,000", "portal", "/institutions?q=%E5%9F%B9%E8%AE%AD"),
    ("portal: /disclosures rendered", "portal", "/disclosures"),
]


def build_reference(folder: Path, rows: int) -> Path:
    path = folder / "reference.sqlite3"
    subprocess.run([sys.executable, str(HERE / "reference" / "app.py"), "build", str(path), "--rows", str(rows)],
                   check=True)
    return path


def build_portal(folder: Path, env: dict[str, str], institutions: int, blacklist: int) -> None:
    """Keys, schema, divisions and the registry-scale data, once per folder."""
    if (folder / "portal.built").exists():
        return
    import search  # benchmarks/search.py: prepare() and _analyse()

    search.prepare(env, env["PORTAL_DATABASE_URL"], reset=False)
    from portal import create_app
    from portal.extensions import db

    with create_app("production").app_context():
        import searchdata

        print(f"built {searchdata.build(institutions, blacklist)}", flush=True)
        db.session.commit()
        search._analyse()
    (folder / "portal.built").touch()


def start(command: list[str], env: dict[str, str], cwd: Path, port: int, probe: str) -> subprocess.Popen:
    process = subprocess.Popen(command + ["--workers", "2", "--bind", f"127.0.0.1:{port}"], env=env, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if subprocess.run(["curl", "-sf", "-o", "/dev/null", f"http://127.0.0.1:{port}{probe}"]).returncode == 0:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{command[0]} did not answer on port {port}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a loaded machine: gunicorn's graceful stop takes too long
        server.kill()
        server.wait(timeout=10)


def wrk(port: int, path: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-H", "Accept-Language: zh-CN", f"http://127.0.0.1:{port}{path}"],
                         check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def latency(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": latency("50%"), "p99": latency("99%"), "errors": int(errors.group(1)) if errors else 0}


def profile(count: int) -> None:
    """Each portal page rendered `count` times in-process under cProfile: the top functions."""
    from portal import create_app

    app = create_app("production")
    client = app.test_client()
    for _name, where, path in PAGES:
        if where != "portal" or path == "/healthz":
            continue
        for _ in range(5):
            client.get(path, headers={"Accept-Language": "zh-CN"})
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(count):
            client.get(path, headers={"Accept-Language": "zh-CN"})
        profiler.disable()
        print(f"\n{path}: {(time.perf_counter() - started) / count * 1000:.2f} ms a page in-process (profiled)")
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(28)
        print("\n".join(line for line in text.getvalue().splitlines()[6:] if line.strip()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", help="keep the databases and keys here and reuse them (default: a temporary one)")
    parser.add_argument("--institutions", type=int, default=100_000)
    parser.add_argument("--blacklist", type=int, default=10_000)
    parser.add_argument("--reference-rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="of wrk per page and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each portal page first")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt install wrk")
    temporary = None if args.folder else tempfile.TemporaryDirectory()
    folder = Path(args.folder or temporary.name).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_SMS_ADAPTER": "log", "PORTAL_INSTANCE_PATH": str(folder),
           "PORTAL_RATELIMIT_ALLOW_MEMORY": "1", "PORTAL_SECURE_COOKIES": "0", "PORTAL_PAGE_CACHE_SECONDS": "0",
           "PORTAL_LOG_LEVEL": "WARNING", "PORTAL_DATABASE_URL": f"sqlite:///{folder}/portal.sqlite3"}
    os.environ.update(env)  # this process builds and profiles the same portal the servers run
    reference = build_reference(folder, args.reference_rows)
    build_portal(folder, env, args.institutions, args.blacklist)
    if args.profile:
        profile(100)
    ports = {"reference": http_bench.free_port(), "portal": http_bench.free_port()}
    servers = [start([str(http_bench.BIN / "gunicorn"), "app:app"], {**env, "REFERENCE_DATABASE": str(reference)},
                     HERE / "reference", ports["reference"], "/hello"),
               start([str(http_bench.BIN / "gunicorn"), "wsgi:app"], env, http_bench.ROOT, ports["portal"], "/healthz")]
    try:
        results: dict[str, list[dict]] = {name: [] for name, _where, _path in PAGES}
        for _name, where, path in PAGES:  # warm every worker's caches and templates
            wrk(ports[where], path, 1, args.connections)
        for _round in range(args.rounds):
            for name, where, path in PAGES:
                results[name].append(wrk(ports[where], path, args.seconds, args.connections))
    finally:
        for server in servers:
            stop(server)
        if temporary:
            temporary.cleanup()
    report(results, args)


def report(results: dict[str, list[dict]], args: argparse.Namespace) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\ngunicorn 2 workers each, wrk {args.connections} connections, {args.seconds} s per page and round; "
          f"load average {load} on {os.cpu_count()} CPUs")
    print(f"{'page':48} {'round':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× reference list':>17}")
    for number in range(args.rounds):
        base = results[REFERENCE_LIST[0]][number]["rps"]
        for name, runs in results.items():
            r = runs[number]
            print(f"{name:48} {number + 1:5} {r['rps']:8.1f} {r['p50']:8.2f} {r['p99']:8.2f} {r['rps'] / base:17.2f}"
                  + (f"   ({r['errors']} non-2xx)" if r["errors"] else ""))
    for name, _where, path in PAGES[3:5]:
        ratios = [results[name][n]["rps"] / results[REFERENCE_LIST[0]][n]["rps"] for n in range(args.rounds)]
        verdict = "ok" if min(ratios) >= 1 else "MISSED"
        print(f"{path}: {' / '.join(f'{r:.2f}' for r in ratios)} × the reference list page (goal ≥ 1.00): {verdict}")


if __name__ == "__main__":
    main()
