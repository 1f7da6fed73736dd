"""/stats at a province's scale, on PostgreSQL (or SQLite).

Builds a migrated database with the divisions, measures /stats on it empty, then loads a province's
complaints over five years (2,000,000 by default: `--scale 0.01` loads 20,000) with their
timelines by COPY (`statsdata.load_complaints`), rebuilds the statistics' aggregates with the
portal's own rebuild (`flask stats rebuild`, its rows by COPY) and measures /stats cold (the
statistics cache off, every request read and rendered afresh) for a county and month, and for
the whole province, each over different counties and months; prints each figure beside its goal.

    .venv/bin/python benchmarks/stats_scale.py --database-url postgresql://postgres@127.0.0.1:5432/bench --reset
    .venv/bin/python benchmarks/stats_scale.py --scale 0.01                 # SQLite file, 20,000 complaints
    options: --complaints 2000000 --scale 1.0 --samples 40 --province 33 --compare-old

`--reset` empties a PostgreSQL database first (DROP SCHEMA public CASCADE): only ever give it a
database made for benchmarking. `--compare-old` also times the computation /stats used before
the aggregates (it read the case tables on every request; kept in tests/stats/legacy.py).
The goal (issue 19): /stats for any county and month, cold, under 200 ms.
`measure_stats(app, samples)` is what `benchmarks/scale.py` can call on its own database.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

GOAL_MS = 200.0


def _timed(client, paths: list[str]) -> dict:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)],
            "max": times[-1], "n": len(times)}


def measure_stats(app, samples: int = 40, seed: int = 19) -> list[tuple[str, dict]]:
    """/stats cold (no statistics cache), in-process: a county and month, and the whole area,
    each over `samples` different choices of county and month in the last five years."""
    from portal.stats import queries

    rng = random.Random(seed)
    app.config["STATS_CACHE_SECONDS"] = 0
    with app.app_context():
        counties = queries.all_counties()
        from portal import clock

        months = queries.months_ending(queries.month_key(clock.today()), 60)
    client = app.test_client()
    county_paths = [f"/stats?county={rng.choice(counties)}&month={rng.choice(months)}&lang=zh_CN"
                    for _ in range(samples)] if counties else []
    area_paths = [f"/stats?month={rng.choice(months)}&lang=zh_CN" for _ in range(samples)]
    client.get("/stats")  # the first request of a process loads templates and catalogues
    results = [("/stats, whole area and month", _timed(client, area_paths))]
    if county_paths:
        results.insert(0, ("/stats, county and month", _timed(client, county_paths)))
        results.append(("/stats.csv, county and month", _timed(client, [p.replace("/stats?", "/stats.csv?")
                                                                        for p in county_paths])))
    return results


def measure_old(app, samples: int, seed: int = 19) -> list[tuple[str, dict]]:
    """The computation /stats made before the aggregates: every table read for twelve months."""
    from portal import clock
    from portal.stats import queries
    from tests.stats import legacy

    rng = random.Random(seed)
    times = []
    with app.app_context():
        months = queries.months_ending(queries.month_key(clock.today()), 60)
        for _ in range(samples):
            started = time.perf_counter()
            legacy.compute(queries.months_ending(rng.choice(months)))
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return [("old computation (case tables, 12 months)", {"p50": statistics.median(times), "p95": times[-1],
                                                          "max": times[-1], "n": len(times)})]


def report(title: str, results: list[tuple[str, dict]]) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{title}: server time per request (ms), goal < {GOAL_MS:.0f} cold; "
          f"load average {load} on {os.cpu_count()} CPUs")
    print(f"{'case':44} {'p50':>8} {'p95':>8} {'max':>8} {'n':>5}  goal")
    for name, r in results:
        verdict = "ok" if r["p95"] < GOAL_MS else "MISSED"
        print(f"{name:44} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {r['n']:5}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=2_000_000)
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of --complaints")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--province", default="33", help="the province's two-digit division code")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database first")
    parser.add_argument("--compare-old", action="store_true", help="also time the old computation")
    args = parser.parse_args()
    import search  # benchmarks/search.py: prepare (keys, migrations, divisions) and ANALYZE

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/stats.sqlite3"
        env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_SMS_ADAPTER": "log", "PORTAL_INSTANCE_PATH": folder,
               "PORTAL_RATELIMIT_ALLOW_MEMORY": "1", "PORTAL_SECURE_COOKIES": "0", "PORTAL_DATABASE_URL": url}
        os.environ.update(env)
        search.prepare(env, url, args.reset)
        from portal import create_app
        from portal.extensions import db

        app = create_app("production")
        report("empty database", measure_stats(app, args.samples))
        with app.app_context():
            import statsdata

            started = time.perf_counter()
            counts = statsdata.load_complaints(int(args.complaints * args.scale), args.years, args.province)
            db.session.commit()
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            records, cells = statsdata.rebuild_aggregates()
            db.session.commit()
            rebuilt = time.perf_counter() - started
            search._analyse()
            dialect = db.engine.dialect.name
        print(f"\nloaded {counts} in {loaded:.1f} s; aggregates rebuilt ({records} records, {cells} cells) "
              f"in {rebuilt:.1f} s on {dialect}")
        report(f"{counts['complaints']:,} complaints over {args.years} years in {counts['counties']} counties",
               measure_stats(app, args.samples))
        if args.compare_old:
            report("before the aggregates", measure_old(app, min(args.samples, 5)))


if __name__ == "__main__":
    main()
