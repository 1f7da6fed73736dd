"""What explains a figure of the province benchmark (`benchmarks/scale.py --profile`): for one
request of a measured kind, every SQL statement it ran with its time, `EXPLAIN (ANALYZE, BUFFERS)`
of the slowest ones, and cProfile's top 15 of the request (by cumulative time).

The statements are caught on the engine (SQLAlchemy's cursor events) while the request runs once
without the profiler, so their times are not inflated by it; the request then runs again under
cProfile. Nothing here is imported by the portal.
"""
from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable

from sqlalchemy import event

EXPLAINED = 3  # the slowest statements of a request shown with their plans


def statements_of(engine, call: Callable[[], object]) -> list[tuple[float, str, object]]:
    """(milliseconds, statement, parameters) of every statement `call` ran, in order."""
    caught: list[tuple[float, str, object]] = []
    begun: list[float] = []

    def before(_conn, _cursor, _statement, _parameters, _context, _many) -> None:
        begun.append(time.perf_counter())

    def after(_conn, _cursor, statement, parameters, _context, _many) -> None:
        caught.append(((time.perf_counter() - begun.pop()) * 1000, statement, parameters))
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return caught


def explain(engine, statement: str, parameters) -> str:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters or {}).all()
        connection.rollback()
    return "\n".join("      " + line for (line,) in rows)


def top(call: Callable[[], object], lines: int = 15) -> str:
    profile = cProfile.Profile()
    profile.enable()
    call()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(lines)
    text = out.getvalue()
    return "\n".join("    " + line for line in text[text.find("ncalls") - 3:].rstrip().splitlines())


def short(statement: str, width: int = 150) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def profile(app, title: str, call: Callable[[], object], again: Callable[[], object] | None = None) -> str:
    """The profile of one request: `call` runs it (with statements caught), `again` (or `call`)
    runs it once more under cProfile."""
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    started = time.perf_counter()
    caught = statements_of(engine, call)
    whole = (time.perf_counter() - started) * 1000
    lines = [f"\n### {title}: {whole:.1f} ms, {len(caught)} statements, "
             f"{sum(ms for ms, _s, _p in caught):.1f} ms in them"]
    lines += [f"    {ms:8.2f} ms  {short(statement)}" for ms, statement, _p in caught]
    for ms, statement, parameters in sorted(caught, key=lambda found: -found[0])[:EXPLAINED]:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            lines.append(f"  EXPLAIN (ANALYZE, BUFFERS) of the {ms:.1f} ms statement {short(statement, 90)}")
            lines.append(explain(engine, statement, parameters))
    lines.append("  cProfile, top 15 by cumulative time:")
    lines.append(top(again or call))
    return "\n".join(lines)


def profiles(app, built: dict) -> list[str]:
    """The profile of one request of each measured kind: the inbox (county and city, first page
    and a filter), tracking (the post and the case page), name search (the public page), /stats."""
    import run as http_bench  # benchmarks/run.py: the forms' hidden fields
    import scalemeasure as sm

    found = []
    for scope, region in (("county", built["county"]), ("city", built["city"])):
        client = sm.staff_client(app, f"bench.profile.{region}", region)
        for name, args in (("first page", {}), ("overdue", {"due": "overdue"}), ("state", {"status": "in_progress"})):
            found.append(profile(app, f"inbox, {scope} {region}: {name}",
                                 lambda c=client, a=args: sm._ok(c.get("/staff/cases", query_string=a))))
    public = app.test_client()
    code = built["tracked"][-1][0]

    def post() -> None:
        token = http_bench.hidden(public.get("/track").get_data(as_text=True), "csrf_token")
        assert public.post("/track", data={"csrf_token": token, "receipt": code}).status_code == 302
    found.append(profile(app, "tracking: post the receipt (with the form opened first)", post))
    found.append(profile(app, "tracking: the case page", lambda: sm._ok(public.get("/track/case"))))
    for first, second in (("培训", "学校"), ("启明星", "小蜜蜂"), ("杭州市西湖", "宁波市海曙")):
        queries = iter((first, second))  # the second (profiled) run is not the page cache's copy
        found.append(profile(app, f"name search page /institutions?q={first} (profiled: {second})",
                             lambda q=queries: sm._ok(public.get("/institutions", query_string={"q": next(q)}))))
    months = iter(("2022-03", "2022-04"))
    found.append(profile(app, f"/stats county {built['county']}, cold",
                         lambda: sm._ok(public.get("/stats", query_string={"county": built["county"],
                                                                           "month": next(months)}))))
    return found
