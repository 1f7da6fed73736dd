"""Bulk data for the statistics benchmark: a province's complaints over several years, across its
counties, with realistic timelines (registered, accepted or not, transferred, concluded within or
past the 60-day limit, rated, sometimes a review requested), written with COPY on PostgreSQL
(executemany on SQLite); then the statistics' aggregates rebuilt by the portal's own rebuild,
its rows written with COPY too.

Reusable: `load_complaints(count, …)` writes the complaints and their events into a migrated
database with the divisions loaded (for `benchmarks/scale.py` too), `rebuild_aggregates()` fills
the statistics. Nothing here is imported by the portal.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Iterator

from sqlalchemy import select, text

from portal.casework.models import Category, EventKind, Rating, ReviewStage, Source, Status
from portal.extensions import db
from portal.regions.models import Region, RegionLevel

UTC = dt.timezone.utc
BEIJING = dt.timezone(dt.timedelta(hours=8))
CATEGORY_WEIGHTS = {Category.FEES_REFUNDS: 30, Category.PREPAYMENT_OUTSIDE_ESCROW: 15, Category.UNLICENSED: 15}
COMPLAINT_COLUMNS = ("id", "case_number", "receipt_digest", "source", "status", "category", "institution_name",
                     "institution_address", "region_code", "description", "occurred_on", "ongoing", "anonymous",
                     "received_on", "acceptance_due", "conclusion_due", "due_provisional", "replied_at", "extended",
                     "transferred_to", "rating", "handling_region_code", "review_stage", "created_at")
EVENT_COLUMNS = ("complaint_id", "kind", "public", "body", "actor_label", "created_at")
SOURCES = [Source.ONLINE] * 6 + [Source.PHONE] * 2 + [Source.HOTLINE_12345] * 2 + [Source.LETTER, Source.VISIT]
RATINGS = [Rating.SATISFIED] * 6 + [Rating.BASICALLY_SATISFIED] * 3 + [Rating.UNSATISFIED]


def province_counties(prefix: str = "33") -> list[str]:
    """The current county-level divisions of a province (by its two-digit code)."""
    return sorted(db.session.scalars(select(Region.code).where(Region.level == RegionLevel.COUNTY,
                                                               Region.current.is_(True),
                                                               Region.code.startswith(prefix))))


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment on a local working day's office hours, as stored (UTC)."""
    return dt.datetime.combine(day, dt.time(rng.randrange(8, 18), rng.randrange(60)), BEIJING).astimezone(UTC)


def complaint_rows(count: int, counties: list[str], first_day: dt.date, last_day: dt.date,
                   seed: int) -> Iterator[tuple[tuple, list[tuple]]]:
    """(complaint row, its event rows) for `count` complaints received between the two days;
    counties weighted (a city district gets many times a rural county's complaints)."""
    rng = random.Random(seed)
    weights = [rng.choice((1, 1, 2, 3, 5, 8)) for _ in counties]
    categories = list(Category)
    category_weights = [CATEGORY_WEIGHTS.get(c, 4) for c in categories]
    span = (last_day - first_day).days
    today = last_day
    for number in range(1, count + 1):
        county = rng.choices(counties, weights)[0]
        received = first_day + dt.timedelta(days=rng.randrange(span + 1))
        registered = _moment(received, rng)
        due = received + dt.timedelta(days=60)
        events = [(number, EventKind.REGISTERED.value, True, "", "", registered)]
        status, rating, replied, transferred_to = Status.REGISTERED, None, None, ""
        draw = rng.random()
        decided = received + dt.timedelta(days=rng.randrange(1, 8))
        if decided <= today and draw < 0.07:
            status = Status.NOT_ACCEPTED
            events.append((number, EventKind.NOT_ACCEPTED.value, True, "不符合受理条件。", "承办人",
                           _moment(decided, rng)))
        elif decided <= today and draw < 0.10:
            status, transferred_to = Status.TRANSFERRED, "市场监督管理局"
            events.append((number, EventKind.TRANSFERRED.value, True, "转市场监管部门办理。", "承办人",
                           _moment(decided, rng)))
        elif decided <= today:
            status = Status.ACCEPTED
            events.append((number, EventKind.ACCEPTED.value, True, "", "承办人", _moment(decided, rng)))
            concluded = received + dt.timedelta(days=int(rng.triangular(8, 75, 35)))
            if concluded <= today and rng.random() < 0.97:
                status, replied = Status.CONCLUDED, _moment(concluded, rng)
                events.append((number, EventKind.CONCLUDED.value, True, "经查属实，已责令整改。", "承办人", replied))
                rated = concluded + dt.timedelta(days=rng.randrange(0, 20))
                if rated <= today and rng.random() < 0.6:
                    rating = rng.choice(RATINGS)
                    events.append((number, EventKind.RATED.value, True, "", "", _moment(rated, rng)))
                if rating is Rating.UNSATISFIED and rng.random() < 0.4 and rated + dt.timedelta(days=3) <= today:
                    events.append((number, EventKind.REVIEW_REQUESTED.value, True, "不同意答复意见。", "",
                                   _moment(rated + dt.timedelta(days=3), rng)))
        digest = hashlib.sha256(f"bench-receipt-{seed}-{number}".encode()).hexdigest()
        row = (number, f"{county}-{received:%Y%m%d}-{number:07d}"[:24], digest, rng.choice(SOURCES).value,
               status.value, rng.choices(categories, category_weights)[0].value, "某某培训中心", "某某路1号",
               county, "家长反映的问题（基准测试数据）。", received - dt.timedelta(days=rng.randrange(1, 30)),
               False, True,
               received, received + dt.timedelta(days=7), due if status is not Status.REGISTERED else None, False,
               replied, False, transferred_to, rating.value if rating else None, county, ReviewStage.NONE.value,
               registered)
        yield row, events


def _writer(table: str, columns: tuple[str, ...]) -> Callable[[list[tuple]], None]:
    """Rows into a table: COPY on PostgreSQL, executemany on SQLite."""
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        def write(rows: list[tuple]) -> None:
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return write
    placeholders = ", ".join("?" for _ in columns)

    def write_sqlite(rows: list[tuple]) -> None:
        raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
                        [tuple(_sqlite_value(v) for v in row) for row in rows])
    return write_sqlite


def _sqlite_value(value):
    if isinstance(value, dt.datetime):  # stored naive, in UTC, as SQLAlchemy writes it
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load_complaints(count: int, years: int = 5, prefix: str = "33", seed: int = 20261203,
                    last_day: dt.date | None = None) -> dict[str, int]:
    """Write `count` complaints received over `years` years to `last_day` (today) in the province's
    counties, with their events; returns the row counts. The database must hold no complaints."""
    counties = province_counties(prefix)
    last_day = last_day or dt.date.today()
    first_day = last_day - dt.timedelta(days=365 * years)
    write_complaints = _writer("complaints", COMPLAINT_COLUMNS)
    write_events = _writer("complaint_events", EVENT_COLUMNS)
    complaints, events, written = [], [], {"complaints": 0, "events": 0}
    for row, timeline in complaint_rows(count, counties, first_day, last_day, seed):
        complaints.append(row)
        events.extend(timeline)
        if len(complaints) >= 50_000:
            write_complaints(complaints)
            write_events(events)
            written["complaints"] += len(complaints)
            written["events"] += len(events)
            complaints, events = [], []
    write_complaints(complaints)
    write_events(events)
    written["complaints"] += len(complaints)
    written["events"] += len(events)
    if db.session.connection().dialect.name == "postgresql":
        for table in ("complaints", "complaint_events"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    written["counties"] = len(counties)
    return written


def rebuild_aggregates() -> tuple[int, int]:
    """The portal's rebuild (`flask stats rebuild`), its rows written with COPY on PostgreSQL."""
    from portal.stats import aggregates

    def rows_writer(table: str, columns: tuple[str, ...]) -> Callable[[list[dict]], None]:
        write = _writer(table, columns)
        return lambda rows: write([tuple(row[c] for c in columns) for row in rows])

    return aggregates.rebuild(rows_writer("stats_records", ("kind", "record_id", "county", "facts")),
                              rows_writer("stats_cells", ("county", "month", "figure", "bucket", "count",
                                                          "key_high", "key_low", "published")))
