"""Public statistics by month, for the whole area or one county, computed by SQL aggregation.

Every figure is counted in the portal's timezone, a month is "YYYY-MM". The figures are read
from the aggregates kept current with every change (`portal.stats.models`, `facts`,
`aggregates`, `keeping`): never from the complaints table. What each figure counts:

- received: complaints whose date received falls in the month (counted from that date, as the
  time limits are);
- accepted / not accepted / transferred / concluded / reviews requested: cases with that step
  recorded in the month (a case counts once per step and month);
- concluded on time: of the cases concluded in the month that had a conclusion deadline, those
  concluded on or before it (an approved extension moves the deadline);
- median days to conclude: calendar days from the date received to the conclusion;
- satisfaction: ratings given in the month that were 满意 or 基本满意, over all ratings given;
- follow-up satisfaction: of the follow-up calls (回访) that reached the reporter in the month,
  those rated 满意 or 基本满意 (by the case's county; kept apart from the ratings given online);
- disclosures published: penalty disclosures first published in the month (a later withdrawal
  does not undo the count); blacklist entries: entries listed in the month that reached the
  public list;
- the enforcement funnel, by the month the report was received and its county: reports of
  violations taken on the enforcement track (leads), those of them opened (立案) by now, and those
  of them whose linked penalty decision is published and not withdrawn (a cohort: a month's
  figures grow as its reports progress);
- refund and contract disputes, by the complaint's county: complaints received asking for
  mediation; disputes taken (by the day decided); mediations ended with an agreement still standing
  or without one (by the day ended); agreements kept (by the day the parent confirmed the money),
  with histograms of their whole yuan and of the days from the date received;
- social supervisors in term: appointed supervisors whose term covers the month's last day (or
  today, in the current month) and who had not been dismissed by then; their submissions: patrol
  records, leads and opinions submitted in the month (drafts not counted).

Besides the counts, each county's figures carry each cell's key for the cell-key method
(`portal.cellkey`): the sum of its records' keys, which `service` turns into the published count.
Only county cells carry keys, since the whole area is published as the sum of its counties: the
database adds up the counties' published counts (`area`), and reads one county's cells (`county`).
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate

from sqlalchemy import Select, func, select

from portal import cellkey, clock
from portal.blacklist.models import BlacklistEntry
from portal.casework.models import Category, Rating
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.stats import aggregates
from portal.stats.models import StatsCell
from portal.supervisors.models import Supervisor, SupervisorState

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WINDOW = 12  # months shown in a series
ALL = ""  # the whole area, in keys where a county code would be

COUNT_FIGURES = ("received", "accepted", "not_accepted", "transferred", "concluded", "reviews_requested",
                 "disclosures", "blacklisted", "supervisors_active", "supervisor_submissions",
                 "enforcement_leads", "cases_opened", "penalties_decided",
                 "disputes", "mediations_taken", "agreements", "mediations_failed", "refunds_kept")
HISTOGRAMS = ("settle_days", "refund_yuan")  # by a number of days, of whole yuan
# Counts about reporters' cases, withheld when small; supervisors are named in public anyway.
REPORTER_FIGURES = frozenset(COUNT_FIGURES) - {"supervisors_active", "supervisor_submissions"}


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str | None) -> str | None:
    """A "YYYY-MM" month from input, or None when it is not one (or before 2000 / after 2100)."""
    match = MONTH.match((text or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return match.group(0)


def median(histogram: dict[int, int]) -> float | None:
    """The median of a histogram (value -> count): the mean of the middle two when even."""
    values = sorted(value for value, count in histogram.items() if count)
    running = list(accumulate(histogram[value] for value in values))  # positions below each value's end
    if not running:
        return None
    return (values[bisect_right(running, (running[-1] - 1) // 2)] + values[bisect_right(running, running[-1] // 2)]) / 2


def months_ending(last: str, count: int = WINDOW) -> list[str]:
    """The `count` months up to and including `last`, oldest first."""
    year, month = int(last[:4]), int(last[5:])
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


@dataclass
class Figures:
    """Counts for one county (or the whole area) and one month."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_FIGURES, 0))
    on_time: int = 0
    with_deadline: int = 0
    days_histogram: dict[int, int] = field(default_factory=dict)
    ratings: dict[Rating, int] = field(default_factory=dict)
    categories: dict[Category, int] = field(default_factory=dict)
    satisfied: int = 0
    followed: int = 0  # follow-up calls that reached the reporter
    followed_satisfied: int = 0
    settle_days: dict[int, int] = field(default_factory=dict)  # agreements kept, by days to settle
    refund_yuan: dict[int, int] = field(default_factory=dict)  # agreements kept, by whole yuan
    # The whole area's: the fewest agreements kept in one county (of those with any); 0 for none.
    fewest_kept: int = 0
    # Cell keys (county cells only): by figure name, and "on_time", "with_deadline", "satisfied",
    # "rated"; and by category.
    keys: dict[str, int] = field(default_factory=dict)
    category_keys: dict[Category, int] = field(default_factory=dict)

    def add_key(self, name: str, key: int) -> None:
        self.keys[name] = cellkey.combine((self.keys.get(name, 0), key))

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfaction_share(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def median_days(self) -> float | None:
        """The median of the days-to-conclude histogram (the mean of the middle two when even)."""
        return median(self.days_histogram)


@dataclass
class Table:
    """Figures by (county or ALL, month); counties are the codes seen in the data."""

    months: list[str]
    cells: dict[tuple[str, str], Figures]
    counties: list[str]

    def get(self, county: str, month: str) -> Figures:
        return self.cells.get((county, month)) or Figures()


def _read(rows, cells: dict[tuple[str, str], Figures], keyed: bool = True) -> None:
    """Cells' rows (county, month, figure, bucket, count, key_high, key_low) into figures."""
    for county, month, figure, bucket, count, key_high, key_low in rows:
        figures = cells[(county, month)]
        key = aggregates.cell_key(key_high, key_low) if keyed else None
        if figure == "received":
            category = Category(bucket)
            figures.categories[category] = figures.categories.get(category, 0) + count
            figures.counts["received"] += count
            if keyed:
                figures.category_keys[category] = key
                figures.add_key("received", key)
            continue
        if figure == "days":
            figures.days_histogram[int(bucket)] = figures.days_histogram.get(int(bucket), 0) + count
        elif figure == "rating":
            figures.ratings[Rating(bucket)] = figures.ratings.get(Rating(bucket), 0) + count
        elif figure in HISTOGRAMS:
            histogram = getattr(figures, figure)
            histogram[int(bucket)] = histogram.get(int(bucket), 0) + count
        elif figure in ("on_time", "with_deadline", "satisfied", "followed", "followed_satisfied"):
            setattr(figures, figure, getattr(figures, figure) + count)
        elif figure in figures.counts:
            figures.counts[figure] += count
        if keyed and figure not in aggregates.AS_IS:
            figures.keys[figure] = key


def _cells(*where) -> Select:
    return select(StatsCell.county, StatsCell.month, StatsCell.figure, StatsCell.bucket, StatsCell.count,
                  StatsCell.key_high, StatsCell.key_low).where(*where)


def compute(months: list[str]) -> Table:
    """All figures for these months, per county and for the whole area (the sum of the counties),
    with the county cells' keys."""
    cells: dict[tuple[str, str], Figures] = defaultdict(Figures)
    _read(db.session.execute(_cells(StatsCell.month.in_(months))), cells)
    for (county, month), count in supervisors_in_term(months).items():
        cells[(county, month)].counts["supervisors_active"] += count
    for (county, month), figures in list(cells.items()):
        whole = cells[(ALL, month)]
        for name, count in figures.counts.items():
            whole.counts[name] += count
        for category, count in figures.categories.items():
            whole.categories[category] = whole.categories.get(category, 0) + count
        for days, count in figures.days_histogram.items():
            whole.days_histogram[days] = whole.days_histogram.get(days, 0) + count
        for rating, count in figures.ratings.items():
            whole.ratings[rating] = whole.ratings.get(rating, 0) + count
        for name in HISTOGRAMS:
            histogram = getattr(whole, name)
            for value, count in getattr(figures, name).items():
                histogram[value] = histogram.get(value, 0) + count
        if figures.counts["refunds_kept"]:
            whole.fewest_kept = min(whole.fewest_kept or figures.counts["refunds_kept"], figures.counts["refunds_kept"])
        whole.on_time += figures.on_time
        whole.with_deadline += figures.with_deadline
        whole.satisfied += figures.satisfied
        whole.followed += figures.followed
        whole.followed_satisfied += figures.followed_satisfied
    counties = sorted({county for county, _month in cells if county != ALL})
    return Table(months, dict(cells), counties)


def county(code: str, months: list[str]) -> Table:
    """One county's figures for these months, with its cells' keys."""
    cells: dict[tuple[str, str], Figures] = defaultdict(Figures)
    _read(db.session.execute(_cells(StatsCell.county == code, StatsCell.month.in_(months))), cells)
    for (county_code, month), count in supervisors_in_term(months, code).items():
        cells[(county_code, month)].counts["supervisors_active"] += count
    return Table(months, dict(cells), [code] if cells else [])


@dataclass
class Area:
    """The whole area: its figures by month (true counts summed by the database; the fewest kept
    agreements of a county), every county's figures in the chosen month (with keys), and the whole
    area's published counts by month (the sums of its counties' published counts, as kept)."""

    table: Table
    published: dict[str, dict[tuple[str, str], int]]  # month -> (figure, bucket) -> published sum


def area(months: list[str], month: str) -> Area:
    """What the whole area's page shows for these months and the chosen one."""
    cells: dict[tuple[str, str], Figures] = defaultdict(Figures)
    sums = db.session.execute(
        select(StatsCell.month, StatsCell.figure, StatsCell.bucket, func.sum(StatsCell.count),
               func.sum(StatsCell.published)).where(StatsCell.month.in_(months))
        .group_by(StatsCell.month, StatsCell.figure, StatsCell.bucket)).all()
    _read(((ALL, m, figure, bucket, int(count), 0, 0) for m, figure, bucket, count, _shown in sums), cells, keyed=False)
    fewest = db.session.execute(select(StatsCell.month, func.min(StatsCell.count))
                                .where(StatsCell.month.in_(months), StatsCell.figure == "refunds_kept")
                                .group_by(StatsCell.month))
    for m, count in fewest:
        cells[(ALL, m)].fewest_kept = int(count)
    published: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for m, figure, bucket, _count, shown in sums:
        published[m][(figure, bucket)] = int(shown)
    _read(db.session.execute(_cells(StatsCell.month == month)), cells)
    counties = set(db.session.scalars(select(StatsCell.county).where(StatsCell.month.in_(months)).distinct()))
    for (county_code, each), count in supervisors_in_term(months).items():
        counties.add(county_code)
        cells[(ALL, each)].counts["supervisors_active"] += count
        if each == month:
            cells[(county_code, each)].counts["supervisors_active"] += count
    return Area(Table(months, dict(cells), sorted(counties)), published)


def supervisors_in_term(months: list[str], code: str | None = None) -> dict[tuple[str, str], int]:
    """Appointed supervisors whose term covers each month's last day (today in the current month)
    and not dismissed by then, by (county, month): read live in one query (supervisors are few,
    and the current month's figure moves with the day)."""
    today = clock.today()
    last_days = {}
    for month in months:
        year, number = int(month[:4]), int(month[5:])
        last_days[month] = min(dt.date(year + (number == 12), number % 12 + 1, 1) - dt.timedelta(days=1), today)
    query = select(Supervisor.region_code, Supervisor.term_start, Supervisor.term_end, Supervisor.dismissed_on) \
        .where(Supervisor.state.in_([SupervisorState.APPOINTED, SupervisorState.DISMISSED]),
               Supervisor.term_start <= max(last_days.values()), Supervisor.term_end >= min(last_days.values()))
    if code is not None:
        query = query.where(Supervisor.region_code == code)
    found: dict[tuple[str, str], int] = {}
    for county_code, start, end, dismissed_on in db.session.execute(query):
        for month, last_day in last_days.items():
            if start <= last_day <= end and (dismissed_on is None or dismissed_on > last_day):
                found[(county_code, month)] = found.get((county_code, month), 0) + 1
    return found


def all_counties() -> list[str]:
    """Every county code with a complaint, a disclosure or a blacklist entry, for the chooser."""
    codes = set(db.session.scalars(select(StatsCell.county).where(StatsCell.figure == "received").distinct()))
    codes |= set(db.session.scalars(select(Disclosure.region_code).distinct()))
    codes |= set(db.session.scalars(select(BlacklistEntry.region_code).distinct()))
    return sorted(codes)
