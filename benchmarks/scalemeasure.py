"""The province benchmark's two halves: building the database (through `scaledata`) and measuring
it through the portal. Run by `benchmarks/scale.py`; nothing here is imported by the portal."""
from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pyotp
import run as http_bench  # benchmarks/run.py: gunicorn and a keep-alive client
import scalecopy  # benchmarks/scalecopy.py: fast COPY
import scaledata
import search as search_bench  # benchmarks/search.py: query fragments
import searchdata
import statsdata  # benchmarks/statsdata.py: the aggregates' rebuild by COPY

PASSWORD = "运河 lantern-harbour 61"
FLASK = [str(http_bench.BIN / "flask"), "--app", "portal"]


def flask(env: dict, *args: str) -> float:
    """Run a `flask --app portal` command; its wall time in seconds."""
    started = time.perf_counter()
    result = subprocess.run(FLASK + list(args), env=env, cwd=http_bench.ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed: {result.stdout[-800:]} {result.stderr[-1500:]}")
    return time.perf_counter() - started


def prepare(env: dict) -> None:
    """Keys (and the audit signing key), the schema at the newest migration, the divisions."""
    development = {**env, "PORTAL_ENV": "development"}
    flask(development, "keys", "generate")
    if not Path(env["PORTAL_INSTANCE_PATH"], "audit_signing_key").exists():
        flask(development, "audit", "signing-key")
    flask(env, "db", "upgrade")
    flask(env, "regions", "load")


def app_for(url: str | None = None):
    from portal import create_app

    return create_app(overrides={"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1)}
                      if url else None)


def build(env: dict, scale: float, reused: bool) -> dict:
    """Fill the database (or read what an earlier run with --keep left); what measuring needs."""
    saved = Path(env["PORTAL_INSTANCE_PATH"]) / "built.json"
    if reused and saved.exists():
        print(f"reusing the database built earlier ({saved})")
        return json.loads(saved.read_text())
    prepare(env)
    counts = scaledata.counts(scale)
    print("building: " + ", ".join(f"{value:,} {name}" for name, value in counts.items()), flush=True)
    rng = random.Random(20261203)
    app = app_for()
    began = started = time.perf_counter()
    with app.app_context():
        from portal.config import read_secret_file
        from portal.extensions import db
        from portal.transparency import service as transparency

        scalecopy.session_for_loading()
        where, cities = scaledata.places()
        with scalecopy.without_indexes("institutions"):
            registry = scaledata.institutions(rng, counts["institutions"], where)
        started = scaledata.timed("institutions", started, print)
        restore_keys = scaledata.without_gram_keys()
        scaledata.grams("institution", "institutions")
        scaledata.blacklist(rng, counts["blacklist"], registry, where)
        scaledata.grams("blacklist", "blacklist_entries")
        started = scaledata.timed("blacklist and name grams", started, print)
        restore_keys()
        started = scaledata.timed("name gram keys", started, print)
        handlers = scaledata.handlers(where)
        with scalecopy.without_indexes("complaints", "complaint_events"):
            cases = scaledata.complaints(rng, counts["complaints"], registry, where, handlers)
        started = scaledata.timed(f"complaints and {cases['events']:,} events", started, print)
        first_two = [ids[0] for ids in handlers.values()][:2]
        scaledata.disclosures(rng, counts["disclosures"], registry, *first_two)
        started = scaledata.timed("disclosures", started, print)
        frontier = scalecopy.audit_records(rng, counts["audit"], counts["complaints"], scaledata.START,
                                           scaledata.END)
        transparency.sign(frontier, dt.datetime.now(dt.timezone.utc),
                          read_secret_file(Path(app.config["AUDIT_SIGNING_KEY_FILE"])))
        db.session.commit()
        started = scaledata.timed("audit records and their signed head", started, print)
    with app.app_context():
        from portal.extensions import db

        # COPY bypasses the statistics' hook: their aggregates are counted once from what was
        # loaded, by the portal's own rebuild (`flask stats rebuild`) writing its rows by COPY.
        statsdata.rebuild_aggregates()
        db.session.commit()
        started = scaledata.timed("statistics' aggregates rebuilt", started, print)
        vacuum(app)  # what autovacuum does after a load: statistics, and the visibility map for index-only scans
        scaledata.timed("VACUUM ANALYZE", started, print)
        busiest = db.session.execute(db.text(
            "SELECT region_code FROM complaints GROUP BY region_code ORDER BY count(*) DESC LIMIT 1")).scalar()
        db.engine.dispose()  # its connections carry the loading session's settings
    built = {"counts": counts, "events": cases["events"], "tracked": cases["tracked"], "county": busiest,
             "city": busiest[:4] + "00", "counties": [code for code, _c, _n in where],
             "build_seconds": round(time.perf_counter() - began)}
    print(f"built in {built['build_seconds']} s", flush=True)
    saved.write_text(json.dumps(built))
    return built


def vacuum(app) -> None:
    from portal.extensions import db

    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(db.text("VACUUM ANALYZE"))


def percentiles(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)], "n": len(times)}


def timed(calls: list[Callable[[], object]], warm: int = 3) -> dict:
    """Milliseconds per call (the first `warm` calls run, not counted)."""
    for call in calls[:warm]:
        call()
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def _ok(response) -> None:
    assert response.status_code in (200, 302), (response.status_code, response.request.path)


def account(app, username: str, region: str) -> str:
    """A handler of `region` with a chosen password and an authenticator; its TOTP secret."""
    from portal.accounts import service
    from portal.accounts.models import Role, User
    from portal.extensions import db

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        if user is None:
            user = service.create_user(username, username, Role.HANDLER, region, f"浙{username}")[0]
        user.must_change_password, user.totp_enrolled_at, user.totp_secret = True, None, None
        service.change_password(user, PASSWORD)
        secret = service.begin_totp(user)
        earlier = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30)
        service.confirm_totp(user, pyotp.TOTP(secret).at(earlier), earlier)
        db.session.commit()
    return secret


def staff_client(app, username: str, region: str):
    """A test client signed in, through the sign-in pages, as a new handler of `region`."""
    secret = account(app, username, region)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": http_bench.hidden(page, "csrf_token"), "username": username,
                                "password": PASSWORD})
    page = client.get("/login/code").get_data(as_text=True)
    response = client.post("/login/code", data={"csrf_token": http_bench.hidden(page, "csrf_token"),
                                                "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def inbox_filters(app, built: dict, county: bool) -> list[tuple[str, list[dict]]]:
    """Each filter of the inbox with a few values each (a county's or a city's)."""
    from portal.casework.models import Category, Source, Status

    rng = random.Random(7)
    cases = [f"{built['county']}-2026", f"{built['county']}-20261", f"{built['county']}-2025"]
    filters = [("no filter (first page)", [{}]), ("page 5", [{"page": "5"}]),
               ("state", [{"status": s.value} for s in Status]),
               ("category", [{"category": c.value} for c in Category]),
               ("how it arrived", [{"source": s.value} for s in Source]), ("unassigned", [{"assignee": "none"}]),
               ("overdue", [{"due": "overdue"}]), ("due within 3 working days", [{"due": "soon"}]),
               ("my office now", [{"mine": "1"}]), ("case number", [{"q": number} for number in cases]),
               ("institution name", [{"q": brand} for brand in rng.sample(searchdata.BRAND_THREE, 5)])]
    if not county:
        inside = [code for code in built["counties"] if code.startswith(built["city"][:4])]
        filters.append(("county", [{"county": code} for code in inside]))
    return filters


def measure_inbox(app, built: dict, queries: int) -> list[tuple[str, dict]]:
    results = []
    for scope, region in (("county", built["county"]), ("city", built["city"])):
        client = staff_client(app, f"bench.inbox.{region}", region)
        for name, choices in inbox_filters(app, built, scope == "county"):
            calls = [lambda args=choices[i % len(choices)]: _ok(client.get("/staff/cases", query_string=args))
                     for i in range(max(queries // 4, len(choices)))]
            results.append((f"inbox, {scope} {region}: {name}", timed(calls)))
    return results


def measure_tracking(app, built: dict, queries: int) -> dict:
    """Post the receipt and open the case page (each reporter's form opened first, not counted)."""
    def opened(code: str) -> tuple:
        client = app.test_client()
        token = http_bench.hidden(client.get("/track").get_data(as_text=True), "csrf_token")
        return client, token, code

    def track(client, token: str, code: str) -> None:
        response = client.post("/track", data={"csrf_token": token, "receipt": code})
        assert response.status_code == 302, response.status_code
        _ok(client.get("/track/case"))
    reporters = [opened(code) for code, _id in built["tracked"][:max(queries, 10)]]
    return timed([lambda reporter=reporter: track(*reporter) for reporter in reporters], warm=0)


def measure_search(app, queries: int) -> list[tuple[str, dict]]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.institutions.models import Institution

    rng = random.Random(11)
    with app.app_context():
        names = list(db.session.scalars(select(Institution.name).order_by(Institution.id).limit(200_000)))
        codes = list(db.session.scalars(select(Institution.uscc).where(Institution.uscc.is_not(None))
                                        .order_by(Institution.id).limit(200_000)))
        cases = [(f"{size} character(s)", search_bench.fragments(rng, names, size, queries)) for size in (1, 2, 3, 4)]
        cases.append(("USCC", search_bench.uscc_queries(rng, codes, min(queries, len(codes)))))
        results = []
        for name, picked in cases:
            def call(query: str) -> None:
                db.session.remove()
                search_bench.institution_search(query)
            results.append((name, timed([lambda q=q: call(q) for q in picked])))
    return results


def reference_search(env: dict, url: str, institutions: int, queries: int) -> list[tuple[str, dict]]:
    """The same search in a registry a tenth the size, in a database of its own (dropped after)."""
    from scale import create_database, drop_database

    tenth = url.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1] + "_tenth"
    create_database(tenth, drop_first=True)
    try:
        prepare({**env, "PORTAL_DATABASE_URL": tenth})
        app = app_for(tenth)
        with app.app_context():
            from portal.extensions import db

            searchdata.build(institutions, 0, seed=20261203)
            db.session.commit()
        vacuum(app)
        results = measure_search(app, queries)
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
        return results
    finally:
        drop_database(tenth)
