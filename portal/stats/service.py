"""The statistics as published: every figure of a county or the whole area as shown, protected by
the cell-key method (`portal.cellkey`): each county's counts in a month carry a small fixed
noise, every total is the sum of those, and shares and medians resting on fewer than SMALL_COUNT
cases are left out at every level; so is the money returned in refund disputes (`money_cell`). The
page, its charts and the CSV all read a `Report`, so they show the same numbers."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import current_app

from portal import cellkey
from portal.casework.models import Category
from portal.errors import NotFound
from portal.i18n import _, _l
from portal.regions import service as regions
from portal.stats import queries
from portal.stats.queries import ALL, Figures, Table

SMALL_COUNT = 5  # shares and medians rest on at least this many cases, or are left out
MONEY_ROUNDING = 100  # yuan: the money returned is published to the nearest hundred
NOISE_BOUND = cellkey.NOISE_BOUND  # the most any published count differs from the true one
TABLES = ("monthly", "categories", "counties")

# Refund and contract disputes on the mediation track: in the CSV's columns, a table of their own on the page.
REFUND_COLUMNS = (
    ("disputes", _l("Refund and contract disputes (asked for mediation)")),
    ("mediations_taken", _l("Taken for mediation")),
    ("agreements", _l("Mediation ended with an agreement")),
    ("mediations_failed", _l("Mediation ended without an agreement")),
    ("refunds_kept", _l("Agreements kept (money returned)")),
    ("refund_yuan", _l("Money returned (yuan)")),
    ("median_settle_days", _l("Median days to settle")),
)
COLUMNS = (
    ("received", _l("Complaints received")),
    ("accepted", _l("Accepted")),
    ("not_accepted", _l("Not accepted")),
    ("transferred", _l("Transferred")),
    ("concluded", _l("Concluded")),
    ("on_time", _l("Concluded on time")),
    ("median_days", _l("Median days to conclude")),
    ("satisfaction", _l("Satisfied or basically satisfied")),
    ("follow_up_satisfaction", _l("Follow-up calls (回访): satisfied or basically satisfied")),
    ("reviews_requested", _l("Reviews requested")),
    ("disclosures", _l("Penalty disclosures published")),
    ("blacklisted", _l("Blacklist entries published")),
    ("enforcement_leads", _l("Reports of violations on the enforcement track")),
    ("cases_opened", _l("Of these, enforcement cases opened (立案)")),
    ("opened_share", _l("Share opened (立案)")),
    ("penalties_decided", _l("Of these, penalty decisions published")),
    ("penalty_share", _l("Share of opened cases with a penalty decision")),
    *REFUND_COLUMNS,
    ("supervisors_active", _l("Social supervisors in term")),
    ("supervisor_submissions", _l("Supervisors' submissions")),
)

# The page's main tables: every column but the refund disputes' (the page is read on a phone too).
MAIN_COLUMNS = tuple(column for column in COLUMNS if column not in REFUND_COLUMNS)


class TableNotFound(NotFound):
    """No such table to export (the table by county exists for the whole area only)."""


@dataclass
class Cell:
    """A figure as shown: the text, and the value a chart may draw (None when withheld)."""

    text: str
    value: float | None


@dataclass
class Report:
    """One county (ALL for the whole area) over the twelve months to `month`, as published."""

    county: str
    month: str
    monthly: list[tuple[str, dict[str, Cell]]]
    categories: list[tuple[Category, Cell, Cell]]
    counties: list[tuple[str, str, dict[str, Cell]]]  # for the whole area only

    @property
    def selected(self) -> dict[str, Cell]:
        """The chosen month's row."""
        return dict(self.monthly)[self.month]


_cache: dict[tuple, tuple[float, Report]] = {}
_cache_lock = threading.Lock()


def report(county: str, month: str, locale: str) -> Report:
    """What the page and the CSV show for this county (ALL: the whole area) and month, kept for
    STATS_CACHE_SECONDS (0: always read again)."""
    seconds = current_app.config["STATS_CACHE_SECONDS"]
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], county, month, locale)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if seconds and hit and hit[0] > now:
            return hit[1]
    shown = _report(county, month, locale)
    if seconds:
        with _cache_lock:
            if len(_cache) > 256:
                _cache.clear()
            _cache[key] = (now + seconds, shown)
    return shown


def _report(county: str, month: str, locale: str) -> Report:
    months = queries.months_ending(month)
    if county != ALL:
        table = queries.county(county, months)
        shown = {(county, each): published_county(table.get(county, each)) for each in months}
        return Report(county, month, monthly_rows(table, shown, county), category_rows(table, shown, county, month), [])
    area = queries.area(months, month)
    table = area.table
    shown = {(ALL, each): published_area(table.get(ALL, each), area.published.get(each, {})) for each in months}
    shown |= {(code, month): published_county(table.get(code, month)) for code in table.counties}
    return Report(county, month, monthly_rows(table, shown, county), category_rows(table, shown, county, month),
                  county_rows(table, shown, month, locale))


def report_of(table: Table, county: str, month: str, locale: str) -> Report:
    """The report from a whole table (every county and the whole area), published cell by cell."""
    shown = publish(table)
    counties = county_rows(table, shown, month, locale) if county == ALL else []
    return Report(county, month, monthly_rows(table, shown, county), category_rows(table, shown, county, month),
                  counties)


# --- the counts as published (the cell-key method, portal.cellkey) ---------------------------

@dataclass
class Published:
    """One county's (or the whole area's) counts in one month as published: a county's own cells
    perturbed by their cell keys, every total the sum of those."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(queries.COUNT_FIGURES, 0))
    categories: dict[Category, int] = field(default_factory=dict)
    on_time: int = 0
    with_deadline: int = 0
    satisfied: int = 0
    rated: int = 0
    followed: int = 0
    followed_satisfied: int = 0

    def add(self, other: Published) -> None:
        for name, count in other.counts.items():
            self.counts[name] += count
        for category, count in other.categories.items():
            self.categories[category] = self.categories.get(category, 0) + count
        self.on_time += other.on_time
        self.with_deadline += other.with_deadline
        self.satisfied += other.satisfied
        self.rated += other.rated
        self.followed += other.followed
        self.followed_satisfied += other.followed_satisfied


def published_county(figures: Figures) -> Published:
    """A county's month: each reporter count, each category and each share's parts perturbed
    (their cells are the finest published); "received" the sum of its categories; the social
    supervisors' figures as they are (supervisors are named in public)."""
    keys = figures.keys
    shown = Published(categories={category: cellkey.perturb(count, figures.category_keys.get(category, 0))
                                  for category, count in figures.categories.items()})
    for name in queries.COUNT_FIGURES:
        if name == "received":
            shown.counts[name] = sum(shown.categories.values())
        elif name in queries.REPORTER_FIGURES:
            shown.counts[name] = cellkey.perturb(figures.counts[name], keys.get(name, 0))
        else:
            shown.counts[name] = figures.counts[name]
    shown.on_time = cellkey.perturb(figures.on_time, keys.get("on_time", 0))
    shown.with_deadline = cellkey.perturb(figures.with_deadline, keys.get("with_deadline", 0))
    shown.satisfied = cellkey.perturb(figures.satisfied, keys.get("satisfied", 0))
    shown.rated = cellkey.perturb(figures.rated, keys.get("rated", 0))
    shown.followed = cellkey.perturb(figures.followed, keys.get("followed", 0))
    shown.followed_satisfied = cellkey.perturb(figures.followed_satisfied, keys.get("followed_satisfied", 0))
    return shown


def published_area(figures: Figures, sums: dict[tuple[str, str], int]) -> Published:
    """The whole area's month as published: the sums of its counties' published counts, which
    the cells keep (`published_county` of each county, added up by the database)."""
    shown = Published(categories={Category(bucket): count for (figure, bucket), count in sums.items()
                                  if figure == "received" and count})
    for name in queries.COUNT_FIGURES:
        if name == "received":
            shown.counts[name] = sum(shown.categories.values())
        elif name in queries.REPORTER_FIGURES or name == "supervisor_submissions":
            shown.counts[name] = sums.get((name, ""), 0)
        else:
            shown.counts[name] = figures.counts[name]
    shown.on_time, shown.with_deadline = sums.get(("on_time", ""), 0), sums.get(("with_deadline", ""), 0)
    shown.satisfied, shown.rated = sums.get(("satisfied", ""), 0), sums.get(("rated", ""), 0)
    shown.followed = sums.get(("followed", ""), 0)
    shown.followed_satisfied = sums.get(("followed_satisfied", ""), 0)
    return shown


def publish(table: Table) -> dict[tuple[str, str], Published]:
    """Every county's month as published, and the whole area's as the sum of its counties: a
    total adds nothing that its published parts do not already say, so no table can be
    subtracted from another to narrow a county's count down."""
    shown: dict[tuple[str, str], Published] = {}
    for month in table.months:
        whole = shown[(ALL, month)] = Published()
        for county in table.counties:
            shown[(county, month)] = published_county(table.get(county, month))
            whole.add(shown[(county, month)])
    return shown


# --- cells and rows as shown ------------------------------------------------------------------

def share_cell(part: int, whole: int, cases: int) -> Cell:
    """A percentage of published counts, left out when it rests on fewer than SMALL_COUNT cases
    (counted or published), at every level."""
    if cases < SMALL_COUNT or whole < SMALL_COUNT:
        return Cell("—", None)
    share = min(part / whole, 1.0)
    return Cell(f"{share * 100:.1f}%", round(share * 100, 1))


def count_shown(count: int) -> Cell:
    return Cell(str(count), count)


def figure_cells(figures: Figures, shown: Published) -> dict[str, Cell]:
    """Every column of one row: the published counts; shares of published counts and the median
    only when they rest on SMALL_COUNT cases or more."""
    cells = {name: count_shown(shown.counts[name]) for name in queries.COUNT_FIGURES}
    cells["on_time"] = share_cell(shown.on_time, shown.with_deadline, figures.with_deadline)
    cells["satisfaction"] = share_cell(shown.satisfied, shown.rated, figures.rated)
    cells["follow_up_satisfaction"] = share_cell(shown.followed_satisfied, shown.followed, figures.followed)
    # The enforcement funnel (lead → 立案 → penalty), shares of published counts like the others.
    cells["opened_share"] = share_cell(shown.counts["cases_opened"], shown.counts["enforcement_leads"],
                                       figures.counts["enforcement_leads"])
    cells["penalty_share"] = share_cell(shown.counts["penalties_decided"], shown.counts["cases_opened"],
                                        figures.counts["cases_opened"])
    cells["median_days"] = median_cell(figures.days_histogram)
    cells["median_settle_days"] = median_cell(figures.settle_days)
    cells["refund_yuan"] = money_cell(figures)
    return cells


def median_cell(histogram: dict[int, int]) -> Cell:
    """A histogram's median, left out when it rests on fewer than SMALL_COUNT cases."""
    median = queries.median(histogram)
    if median is None or sum(histogram.values()) < SMALL_COUNT:
        return Cell("—", None)
    return Cell(f"{median:g}", median)


def money_cell(figures: Figures) -> Cell:
    """The yuan returned by the agreements kept (the true sum, to the nearest MONEY_ROUNDING), left
    out when it rests on fewer than SMALL_COUNT of them, or (the whole area) when some county's
    own sum is left out: the area's less the others' would give it away."""
    kept = sum(figures.refund_yuan.values())
    if kept < SMALL_COUNT or 0 < figures.fewest_kept < SMALL_COUNT:
        return Cell("—", None)
    total = sum(yuan * count for yuan, count in figures.refund_yuan.items())
    rounded = (total + MONEY_ROUNDING // 2) // MONEY_ROUNDING * MONEY_ROUNDING
    return Cell(str(rounded), rounded)


def monthly_rows(table: Table, shown: dict[tuple[str, str], Published],
                 county: str) -> list[tuple[str, dict[str, Cell]]]:
    """Every month's row for one county (or the whole area)."""
    return [(month, figure_cells(table.get(county, month), shown.get((county, month)) or Published()))
            for month in table.months]


def category_rows(table: Table, shown: dict[tuple[str, str], Published], county: str,
                  month: str) -> list[tuple[Category, Cell, Cell]]:
    """Complaints received by category: in the month, and over the twelve months (the sum of
    the months as published)."""
    empty = Published()
    in_month = (shown.get((county, month)) or empty).categories
    rows = []
    for category in Category:
        over_year = sum((shown.get((county, each)) or empty).categories.get(category, 0) for each in table.months)
        rows.append((category, count_shown(in_month.get(category, 0)), count_shown(over_year)))
    return rows


def county_rows(table: Table, shown: dict[tuple[str, str], Published], month: str,
                locale: str) -> list[tuple[str, str, dict[str, Cell]]]:
    """Every county's row in the month, with its name in `locale`."""
    named = regions.by_codes(table.counties)
    return [(code, named[code].name(locale) if code in named else code,
             figure_cells(table.get(code, month), shown[(code, month)])) for code in table.counties]


# --- the CSV ----------------------------------------------------------------------------------

def csv_table(name: str, shown: Report) -> tuple[list[str], list[list]]:
    """The header and rows of one of the page's tables, with the same withheld cells."""
    labels = [str(label) for _name, label in COLUMNS]
    if name == "monthly":
        return [_("Month")] + labels, [[m] + [cells[n].text for n, _label in COLUMNS] for m, cells in shown.monthly]
    if name == "categories":
        header = [_("Category"), _("Received in %(month)s", month=shown.month), _("Received in the twelve months")]
        return header, [[category.label, in_month.text, year.text] for category, in_month, year in shown.categories]
    if name == "counties" and shown.county == ALL:
        return [_("County code"), _("County")] + labels, \
            [[code, county] + [cells[n].text for n, _label in COLUMNS] for code, county, cells in shown.counties]
    raise TableNotFound(name)
