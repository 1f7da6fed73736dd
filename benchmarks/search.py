"""Name and USCC search at registry scale, on SQLite or PostgreSQL.

Builds a database with 100,000 institutions and 10,000 blacklist entries (realistic Chinese
names, valid USCCs, their name grams; bulk inserts), then measures the server-side time of the
search service functions, institution search and blacklist search, for fragments of 1, 2, 3
and 4 characters and for USCCs (about 200 different queries each, first page of 20), and the
whole registry page rendered in-process; prints p50 and p95 per case. Then, when the public
blacklist page exists, it serves the database with gunicorn (2 workers) and prints the
throughput of /blacklist beside /healthz measured in the same run (machinery of run.py).

    .venv/bin/python benchmarks/search.py                      # SQLite file in a temporary folder
    .venv/bin/python benchmarks/search.py --database-url postgresql://postgres@127.0.0.1:5432/bench --reset
    .venv/bin/python benchmarks/search.py --database-url sqlite:////tmp/bench.sqlite3 --reuse
    options: --institutions 100000 --blacklist 10000 --queries 200 --requests 400 --clients 4

`--reset` empties a PostgreSQL database first (DROP SCHEMA public CASCADE): only ever give it a
database made for benchmarking. `--reuse` measures an already built database again.
The goal (issue 5): p95 under 50 ms for every case on both databases, and /blacklist at least
0.30 of /healthz's throughput. /blacklist is measured as readers meet it (rendered once per
PORTAL_PAGE_CACHE_SECONDS, then served from each worker's page cache) and, beside it, with every
request rendered afresh.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import run as http_bench  # noqa: E402  (benchmarks/run.py: gunicorn, Browser, measure)

GOAL_MS = 50.0
GOAL_RATIO = 0.30


def prepare(env: dict[str, str], url: str, reset: bool) -> None:
    """Keys, an empty schema at the newest migration, the division table."""
    if url.startswith("postgresql") and reset:
        from sqlalchemy import create_engine, text

        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    flask = [str(http_bench.BIN / "flask"), "--app", "portal"]
    development = {**env, "PORTAL_ENV": "development"}
    for args, environment in ((["keys", "generate"], development), (["db", "upgrade"], env),
                              (["regions", "load"], env)):
        subprocess.run(flask + args, env=environment, cwd=http_bench.ROOT, check=True, capture_output=True)


def fragments(rng: random.Random, names: list[str], size: int, count: int) -> list[str]:
    """`count` substrings of `size` characters cut from randomly chosen names."""
    picked = []
    while len(picked) < count:
        name = rng.choice(names)
        start = rng.randrange(0, len(name) - size + 1)
        picked.append(name[start:start + size])
    return picked


def uscc_queries(rng: random.Random, codes: list[str], count: int) -> list[str]:
    """Whole codes, and prefixes of 6 to 17 characters as someone copying one part would type."""
    return [code if rng.random() < 0.5 else code[:rng.randint(6, 17)] for code in rng.sample(codes, count)]


def timed(function: Callable[[str], int], queries: list[str]) -> dict:
    """Milliseconds per call and the mean number of results."""
    from portal.extensions import db

    times, found = [], []
    for query in queries:
        db.session.remove()
        started = time.perf_counter()
        found.append(function(query))
        times.append(((time.perf_counter() - started) * 1000, query))
    times.sort()
    return {"p50": statistics.median(t for t, _q in times), "p95": times[int(len(times) * 0.95) - 1][0],
            "max": times[-1][0], "slowest": times[-1][1], "found": statistics.mean(found)}


def institution_search(query: str) -> int:
    from portal.institutions import service

    return service.search(service.InstitutionQuery.from_input(query), 1, 20).total


def blacklist_search() -> tuple[Callable[[str], int], str]:
    """The blacklist's own public search when it exists, else the same query built here."""
    try:
        from portal.blacklist import queries
    except ImportError:
        return _blacklist_equivalent, "equivalent query through grams (portal.blacklist.queries not there yet)"

    def search(query: str) -> int:
        return queries.search(queries.BlacklistQuery.from_input(query), 1, 20).total
    return search, "portal.blacklist.queries.search"


def _blacklist_equivalent(query: str) -> int:
    from sqlalchemy import or_, select

    from portal.blacklist.models import PUBLIC_STATES, BlacklistEntry
    from portal.identifiers import clean
    from portal.pagination import paginate
    from portal.search import grams

    stmt = select(BlacklistEntry).where(BlacklistEntry.state.in_(PUBLIC_STATES))
    matches = [BlacklistEntry.id.in_(grams.candidates("blacklist", query))]
    if len(clean(query)) >= 4 and clean(query).isalnum():
        matches.append(BlacklistEntry.uscc.startswith(clean(query)))
    stmt = stmt.where(or_(*matches))
    if grams.needs_recheck(query):
        stmt = stmt.where(or_(BlacklistEntry.name.contains(query), *matches[1:]))
    stmt = stmt.order_by(BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc())
    return paginate(stmt, 1, 20).total


def registry_page(client) -> Callable[[str], int]:
    def get(query: str) -> int:
        response = client.get("/institutions", query_string={"q": query})
        assert response.status_code == 200, response.status_code
        return 1
    return get


def measure_searches(app, queries: int, seed: int) -> list[tuple[str, dict]]:
    """Every case of the table, ~`queries` different queries each."""
    from sqlalchemy import select

    from portal.blacklist.models import BlacklistEntry
    from portal.extensions import db
    from portal.institutions.models import Institution

    rng = random.Random(seed)
    with app.app_context():
        names = list(db.session.scalars(select(Institution.name)))
        codes = list(db.session.scalars(select(Institution.uscc).where(Institution.uscc.is_not(None))))
        listed = list(db.session.scalars(select(BlacklistEntry.name)))
        listed_codes = list(db.session.scalars(select(BlacklistEntry.uscc).where(BlacklistEntry.uscc.is_not(None))))
        blacklist, how = blacklist_search()
        print(f"blacklist search measured through: {how}")
        cases = []
        for size in (1, 2, 3, 4):
            cases.append((f"institutions, {size} character(s)", institution_search,
                          fragments(rng, names, size, queries)))
        cases.append(("institutions, USCC", institution_search, uscc_queries(rng, codes, queries)))
        if listed:
            for size in (1, 2, 3, 4):
                cases.append((f"blacklist, {size} character(s)", blacklist, fragments(rng, listed, size, queries)))
            cases.append(("blacklist, USCC", blacklist,
                          uscc_queries(rng, listed_codes, min(queries, len(listed_codes)))))
        client = app.test_client()
        cases.append(("registry page /institutions?q=, 2 characters", registry_page(client),
                      fragments(rng, names, 2, queries)))
        results = []
        for name, function, picked in cases:
            timed(function, picked[:20])  # warm the caches the way a running server has them
            results.append((name, timed(function, picked)))
    return results


def measure_throughput(app, env: dict[str, str], requests: int, clients: int) -> list[tuple[object, dict]] | None:
    """/blacklist beside /healthz under gunicorn, or None while the blacklist page does not exist."""
    if "blacklist.index" not in app.view_functions:
        return None
    fresh = itertools.count()  # an ignored parameter, new each time: every request misses the page cache
    scenarios = [http_bench.BASELINE, http_bench.Scenario("public blacklist /blacklist", http_bench.page("/blacklist")),
                 http_bench.Scenario("/blacklist, never from the page cache",
                                     lambda browser, _state: browser.request("GET", f"/blacklist?n={next(fresh)}")[0]),
                 http_bench.Scenario("registry search, 2 characters",
                                     http_bench.page("/institutions?q=%E5%9F%B9%E8%AE%AD"))]
    port = http_bench.free_port()
    server = http_bench.start_gunicorn(env, port)
    try:
        for scenario in scenarios:
            http_bench.measure(port, scenario, 20, 2, {})
        return [(s, http_bench.measure(port, s, requests, clients, {})) for s in scenarios]
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(results: list[tuple[str, dict]], dialect: str) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nsearch on {dialect}: server time per call (ms), goal p95 < {GOAL_MS:.0f}; "
          f"load average {load} on {os.cpu_count()} CPUs (other work on the machine inflates these)")
    print(f"{'case':46} {'p50':>7} {'p95':>7} {'max':>7} {'results':>9}  goal    slowest query")
    for name, r in results:
        verdict = "ok" if r["p95"] < GOAL_MS else "MISSED"
        print(f"{name:46} {r['p50']:7.2f} {r['p95']:7.2f} {r['max']:7.2f} {r['found']:9.1f}  "
              f"{verdict:6}  {r['slowest']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=100_000)
    parser.add_argument("--blacklist", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--requests", type=int, default=400, help="per scenario in the gunicorn run")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database first")
    parser.add_argument("--reuse", action="store_true", help="measure an already built database")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn throughput run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/search.sqlite3"
        env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_SMS_ADAPTER": "log", "PORTAL_INSTANCE_PATH": folder,
               "PORTAL_RATELIMIT_ALLOW_MEMORY": "1",  # one machine measuring itself
               "PORTAL_SECURE_COOKIES": "0", "PORTAL_DATABASE_URL": url}
        os.environ.update(env)
        if not args.reuse:
            prepare(env, url, args.reset)
        from portal import create_app
        from portal.extensions import db

        app = create_app("production") if not args.reuse else _reuse_app(folder)
        with app.app_context():
            if not args.reuse:
                import searchdata

                started = time.perf_counter()
                counts = searchdata.build(args.institutions, args.blacklist)
                db.session.commit()
                _analyse()
                print(f"built {counts} in {time.perf_counter() - started:.1f} s")
            dialect = db.engine.dialect.name
        results = measure_searches(app, args.queries, seed=7)
        report(results, dialect)
        if not args.no_http:
            throughput = measure_throughput(app, env, args.requests, args.clients)
            if throughput is None:
                print("\n/blacklist is not served yet: throughput not measured")
            else:
                print()
                http_bench.report(throughput)
                ratio = throughput[1][1]["rps"] / throughput[0][1]["rps"]
                uncached = throughput[2][1]["rps"] / throughput[0][1]["rps"]
                print(f"/blacklist throughput ratio {ratio:.2f} (goal ≥ {GOAL_RATIO:.2f}): "
                      + ("ok" if ratio >= GOAL_RATIO else "MISSED")
                      + f"; rendered afresh every time {uncached:.2f}")


def _reuse_app(folder: str):
    """An app on an existing database: the keys are made afresh, the data does not need them."""
    subprocess.run([str(http_bench.BIN / "flask"), "--app", "portal", "keys", "generate"],
                   env={**os.environ, "PORTAL_ENV": "development"}, check=True, capture_output=True)
    from portal import create_app

    return create_app("production")


def _analyse() -> None:
    """Fresh planner statistics, as a maintenance job would keep them."""
    from sqlalchemy import text

    from portal.extensions import db

    if db.engine.dialect.name != "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
