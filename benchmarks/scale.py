"""A province on one PostgreSQL, measured: builds it with COPY, then prints each figure beside its goal.

Builds, in its own database (created here, dropped at the end unless --keep), one province
(浙江): 1,000,000 institutions, 2,000,000 complaints over five years with their timelines, ratings
and reviews, 20,000,000 chained audit records with a signed head, 100,000 disclosures and 50,000
blacklist entries (`benchmarks/scaledata.py`; --scale multiplies every count). Then measures,
through the portal itself (the Flask test client in this process; gunicorn for memory):

- the staff inbox of a county and of a whole city, with each filter and the counts;
- tracking a case (post the receipt + the case page);
- name search, 1-4 characters and USCC, beside the same search in a registry a tenth the size;
- /stats for a county and a month, cold (every request a county and month not asked before);
- `flask audit verify --since-checkpoint` after a day of new records, and `audit checkpoint`;
- `flask backup` and `flask restore` of the whole database;
- gunicorn workers' memory (RSS) after serving those pages.

    .venv/bin/python benchmarks/scale.py --scale 0.01          # about a minute
    .venv/bin/python benchmarks/scale.py                       # the full province: allow an hour
    options: --database-url postgresql://postgres@127.0.0.1:5432/portal_scale (or PORTAL_SCALE_DATABASE_URL)
             --keep (keep the database and reuse it when it is already built) --queries 100
             --profile (print what explains each figure: statements, EXPLAIN ANALYZE, cProfile)
             --without-backup (skip timing backup and restore)
             --build-only (build afresh and keep the database; a later --keep run measures it)

Figures are printed, never asserted: tests/test_benchmark.py runs a small scale to keep it working.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import scalemeasure  # noqa: E402  (benchmarks/scalemeasure.py: building)
import scaleops  # noqa: E402  (benchmarks/scaleops.py: measuring)
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/portal_scale"


def _admin_engine(url: str):
    admin = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database="postgres")
    return create_engine(admin, isolation_level="AUTOCOMMIT")


def create_database(url: str, drop_first: bool) -> bool:
    """Create the benchmark's database; True when it already existed and was kept."""
    name = make_url(url).database
    engine = _admin_engine(url)
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists and drop_first:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if not exists or drop_first:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return bool(exists) and not drop_first


def drop_database(url: str) -> None:
    engine = _admin_engine(url)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def environment(url: str, instance: Path) -> dict[str, str]:
    """Production settings for this database; limits lifted (one machine measuring itself)."""
    return {"PORTAL_ENV": "production", "PORTAL_SMS_ADAPTER": "log", "PORTAL_INSTANCE_PATH": str(instance),
            "PORTAL_DATABASE_URL": url, "PORTAL_RATELIMIT_ALLOW_MEMORY": "1", "PORTAL_SECURE_COOKIES": "0",
            "PORTAL_LIMIT_RECEIPT_LOOKUP": "1000000 per minute", "PORTAL_LOG_LEVEL": "WARNING",
            "PORTAL_LIMIT_COMPLAINT_POST": "1000000 per hour", "PORTAL_LIMIT_COMPLAINT_SUBMIT": "1000000 per hour"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("PORTAL_SCALE_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the database; reuse it if already built")
    parser.add_argument("--queries", type=int, default=100, help="requests per measured case")
    parser.add_argument("--profile", action="store_true",
                        help="after the table: each measured request's statements, their plans and cProfile")
    parser.add_argument("--without-backup", action="store_true",
                        help="skip timing `flask backup` and `flask restore` (the longest part at full size)")
    parser.add_argument("--build-only", action="store_true", help="build the database and keep it; measure nothing")
    parser.add_argument("--instance", type=Path, help="folder for the keys (default: one per database in /tmp)")
    args = parser.parse_args()
    url = args.database_url
    if not url.startswith("postgresql"):
        raise SystemExit("benchmarks/scale.py needs PostgreSQL (COPY, pg_dump): give --database-url postgresql://…")
    name = make_url(url).database
    instance = args.instance or Path(tempfile.gettempdir()) / f"portal-scale-{name}"
    instance.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **environment(url, instance)}
    os.environ.update(environment(url, instance))
    keep = args.keep or args.build_only
    reused = create_database(url, drop_first=args.build_only or not args.keep)
    try:
        built = scalemeasure.build(env, args.scale, reused)
        if not args.build_only:
            scaleops.measure(env, built, args.queries, args.profile, not args.without_backup)
    finally:
        if not keep:
            drop_database(url)
            print(f"\ndatabase {name} dropped (--keep keeps it)")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"whole run: {time.perf_counter() - started:.0f} s")
