"""The province benchmark's operations figures (statistics, audit verify, backup and restore,
worker memory), the table of every figure beside its goal, and the order they are measured in.
Run by `benchmarks/scale.py`; nothing here is imported by the portal."""
from __future__ import annotations

import datetime as dt
import os
import re
import time
import urllib.parse
from pathlib import Path

import pyotp
import run as http_bench
import scalemeasure as sm

MONTHS = 60


def measure_stats(app, built: dict, queries: int) -> dict:
    """/stats for a county and month never asked before in this process (the page is not cached)."""
    end = dt.date(2026, 11, 1)
    months = [f"{(end.year * 12 + end.month - 1 - i) // 12}-{(end.month - 1 - i) % 12 + 1:02d}"
              for i in range(MONTHS)]
    pairs = [(county, month) for month in months for county in built["counties"]][:max(queries, 10)]
    client = app.test_client()
    return sm.timed([lambda c=c, m=m: sm._ok(client.get("/stats", query_string={"county": c, "month": m}))
                     for c, m in pairs], warm=0)


def measure_audit(env: dict, app, built: dict) -> dict:
    """A day's audit records appended through `audit.record`, then the daily verify and the hourly
    signed head, both incremental; the full verify too when the log is small enough to wait for."""
    from portal.extensions import db
    from portal.security import audit

    day = max(1, built["counts"]["audit"] // (5 * 365))
    with app.app_context():
        for n in range(day):
            audit.record(f"handler.{n % 97}", "complaint.note", "complaint", n + 1, after={"note": "已核实"},
                         flush=False)
        db.session.commit()
    figures = {"day": day, "verify": sm.flask(env, "audit", "verify", "--since-checkpoint"),
               "checkpoint": sm.flask(env, "audit", "checkpoint"),
               "startup": sm.flask(env, "audit", "--help")}
    if built["counts"]["audit"] <= 2_000_000:
        figures["full"] = sm.flask(env, "audit", "verify")
    return figures


def measure_backup(env: dict, url: str) -> dict:
    from scale import create_database, drop_database

    folder = Path(env["PORTAL_INSTANCE_PATH"]) / "backups"
    started = time.perf_counter()
    sm.flask(env, "backup", "--to", str(folder))
    backup_seconds = time.perf_counter() - started
    dump = max(folder.glob("portal-*.dump"), key=lambda path: path.stat().st_mtime)
    target = url + "_restore"
    create_database(target, drop_first=True)
    try:
        restore_seconds = sm.flask({**env, "PORTAL_DATABASE_URL": target}, "restore", str(dump))
    finally:
        drop_database(target)
    figures = {"backup": backup_seconds, "restore": restore_seconds, "size": dump.stat().st_size}
    for path in folder.glob("portal-*"):
        path.unlink()
    return figures


def _rss(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def _workers(master: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry))
    return found


def measure_memory(env: dict, built: dict, username: str, secret: str, rounds: int) -> list[float]:
    """Gunicorn (2 workers) serves the measured pages `rounds` times; each worker's RSS after (MB)."""
    port = http_bench.free_port()
    server = http_bench.start_gunicorn(env, port, wait=180)  # a loaded machine starts the app slowly
    try:
        staff = http_bench.Browser(port)
        page = staff.request("GET", "/login")[1]
        staff.request("POST", "/login", {"csrf_token": http_bench.hidden(page, "csrf_token"),
                                         "username": username, "password": sm.PASSWORD})
        page = staff.request("GET", "/login/code")[1]
        staff.request("POST", "/login/code", {"csrf_token": http_bench.hidden(page, "csrf_token"),
                                              "code": pyotp.TOTP(secret).now()})
        public = http_bench.Browser(port)
        for n in range(rounds):
            staff.request("GET", f"/staff/cases?page={n % 5 + 1}")
            public.request("GET", "/institutions?q=" + urllib.parse.quote(searchdata_fragment(n)))
            public.request("GET", f"/stats?county={built['counties'][n % len(built['counties'])]}")
            code, _id = built["tracked"][n % len(built["tracked"])]
            form = public.request("GET", "/track")[1]
            public.request("POST", "/track", {"csrf_token": http_bench.hidden(form, "csrf_token"), "receipt": code})
            public.request("GET", "/track/case")
        return [_rss(pid) for pid in _workers(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=10)


def searchdata_fragment(n: int) -> str:
    import searchdata

    return searchdata.BRAND_THREE[n % len(searchdata.BRAND_THREE)][:2]


def row(figure: str, measured: str, goal: str, met: bool | None) -> str:
    mark = "—" if met is None else ("met" if met else "MISSED")
    return f"| {figure} | {measured} | {goal} | {mark} |"


def latency(result: dict, goal: float) -> tuple[str, bool]:
    return f"{result['p50']:.1f} / {result['p95']:.1f} ms", result["p95"] < goal


def report(built: dict, figures: dict) -> None:
    counts = built["counts"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nA province on PostgreSQL: {counts['institutions']:,} institutions, {counts['complaints']:,} complaints "
          f"({built['events']:,} events), {counts['audit']:,} audit records, {counts['disclosures']:,} disclosures, "
          f"{counts['blacklist']:,} blacklist entries; built in {built['build_seconds']} s. "
          f"Load average {load} on {os.cpu_count()} CPUs.\n")
    lines = ["| figure | measured (p50 / p95) | goal | |", "|---|---|---|---|"]
    for name, result in figures["inbox"]:
        measured, met = latency(result, 50)
        lines.append(row(name, measured, "p95 < 50 ms", met))
    measured, met = latency(figures["tracking"], 50)
    lines.append(row("track a case (post the receipt + case page)", measured, "p95 < 50 ms", met))
    for (name, result), (_same, reference) in zip(figures["search"], figures["search_reference"]):
        measured, fast = latency(result, 20)
        twice = result["p95"] <= 2 * reference["p95"]
        lines.append(row(f"name search, {name}, {counts['institutions']:,} institutions "
                         f"(p95 at {counts['institutions'] // 10:,}: {reference['p95']:.1f} ms)",
                         measured, "p95 < 20 ms and ≤ 2× the tenth", fast and twice))
    measured, fast = latency(figures["stats"], 200)
    lines.append(row("/stats, a county and month, cold", measured, "< 200 ms", fast))
    audit = figures["audit"]
    lines.append(row(f"`audit verify --since-checkpoint` after a day ({audit['day']:,} records)",
                     f"{audit['verify']:.1f} s (process start {audit['startup']:.1f} s)", "seconds",
                     audit["verify"] < 30))
    lines.append(row("`audit checkpoint` (signed head, incremental)", f"{audit['checkpoint']:.1f} s", "seconds",
                     audit["checkpoint"] < 30))
    if "full" in audit:
        lines.append(row(f"`audit verify`, every one of {counts['audit']:,} records", f"{audit['full']:.1f} s",
                         "(weekly)", None))
    backup = figures.get("backup")
    if backup:
        lines.append(row(f"`flask backup` (pg_dump, {backup['size'] / 2**20:,.0f} MB)", f"{backup['backup']:.0f} s",
                         "reported", None))
        lines.append(row("`flask restore` into an empty database", f"{backup['restore']:.0f} s", "reported", None))
    else:
        lines.append(row("`flask backup` and `flask restore`", "not measured (--without-backup)", "reported", None))
    lines.append(row("gunicorn worker RSS after the run", " / ".join(f"{mb:.0f} MB" for mb in figures["memory"]),
                     "< 120 MB", all(mb < 120 for mb in figures["memory"])))
    print("\n".join(lines))


def measure(env: dict, built: dict, queries: int, profile: bool = False, backup: bool = True) -> None:
    url = env["PORTAL_DATABASE_URL"]
    app = sm.app_for()
    figures = {}
    step = time.perf_counter()

    def done(label: str) -> None:
        nonlocal step
        print(f"  measured {label}: {time.perf_counter() - step:.0f} s", flush=True)
        step = time.perf_counter()
    figures["inbox"] = sm.measure_inbox(app, built, queries)
    done("inbox")
    figures["tracking"] = sm.measure_tracking(app, built, queries)
    done("tracking")
    figures["search"] = sm.measure_search(app, queries)
    figures["search_reference"] = sm.reference_search(env, url, built["counts"]["institutions"] // 10, queries)
    done("search")
    figures["stats"] = measure_stats(app, built, queries)
    done("stats")
    figures["audit"] = measure_audit(env, app, built)
    done("audit")
    if backup:
        figures["backup"] = measure_backup(env, url)
        done("backup and restore")
    username = f"bench.memory.{built['city']}"
    secret = sm.account(app, username, built["city"])
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()
    figures["memory"] = measure_memory(env, built, username, secret, max(queries, 10))
    done("memory")
    report(built, figures)
    if profile:
        import scaleprofile  # benchmarks/scaleprofile.py: statements, plans and cProfile of one request

        print("\n## Profiles: one request of each measured kind (statements, the slowest ones' plans, cProfile)")
        for found in scaleprofile.profiles(app, built):
            print(found, flush=True)
