"""The statistics as published: every figure of a county or the whole area as shown, with small
counts withheld and the complementary cells that would give them away withheld too. The page,
its charts and the CSV all read a `Report`, so what one withholds the others withhold as well."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import current_app

from portal.casework.models import Category
from portal.errors import NotFound
from portal.i18n import _, _l
from portal.regions import service as regions
from portal.stats import queries
from portal.stats.queries import ALL, Figures, Table

SMALL_COUNT = 5  # a county's monthly count below this (and above zero) is shown as "<5"
TABLES = ("monthly", "categories", "counties")

COLUMNS = (
    ("received", _l("Complaints received")),
    ("accepted", _l("Accepted")),
    ("not_accepted", _l("Not accepted")),
    ("transferred", _l("Transferred")),
    ("concluded", _l("Concluded")),
    ("on_time", _l("Concluded on time")),
    ("median_days", _l("Median days to conclude")),
    ("satisfaction", _l("Satisfied or basically satisfied")),
    ("reviews_requested", _l("Reviews requested")),
    ("disclosures", _l("Penalty disclosures published")),
    ("blacklisted", _l("Blacklist entries published")),
    ("supervisors_active", _l("Social supervisors in term")),
    ("supervisor_submissions", _l("Supervisors' submissions")),
)


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


_cache: dict[tuple, tuple[float, Table]] = {}
_cache_lock = threading.Lock()


def table_for(months: list[str]) -> Table:
    """The figures for these months, kept for STATS_CACHE_SECONDS (0: always recomputed)."""
    seconds = current_app.config["STATS_CACHE_SECONDS"]
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], tuple(months))
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if seconds and hit and hit[0] > now:
            return hit[1]
    table = queries.compute(months)
    if seconds:
        with _cache_lock:
            if len(_cache) > 64:
                _cache.clear()
            _cache[key] = (now + seconds, table)
    return table


def report(county: str, month: str, locale: str) -> Report:
    """What the page and the CSV show for this county (ALL: the whole area) and month."""
    table = table_for(queries.months_ending(month))
    hidden = withheld(table)
    counties = county_rows(table, month, hidden, locale) if county == ALL else []
    return Report(county, month, monthly_rows(table, county, hidden), category_rows(table, county, month, hidden),
                  counties)


# --- which cells are withheld -----------------------------------------------------------------

Cells = tuple[dict, Callable[[object], tuple]]  # counts by name, and each name's key in the withheld set


def _columns(table: Table, month: str) -> Iterator[Cells]:
    """Each reporter figure and each category across the counties (the whole area's total is shown)."""
    for name in queries.REPORTER_FIGURES:
        yield {county: table.get(county, month).counts[name] for county in table.counties}, \
            lambda county, name=name: (county, month, name)
    for category in Category:
        yield {county: table.get(county, month).categories.get(category, 0) for county in table.counties}, \
            lambda county, category=category: (county, month, category)


def _rows(table: Table, month: str) -> Iterator[Cells]:
    """Each county's categories (whose sum, "received", is shown)."""
    for county in table.counties:
        yield {category: table.get(county, month).categories.get(category, 0) for category in Category}, \
            lambda category, county=county: (county, month, category)


def _complement(hidden: set[tuple], cells: dict, key: Callable[[object], tuple]) -> None:
    """If exactly one cell of these is withheld, withhold the smallest other one too (a zero
    among them first: otherwise the total less the zeros would give the withheld one away)."""
    withheld_here = [name for name in cells if key(name) in hidden]
    others = [name for name in cells if key(name) not in hidden]
    if len(withheld_here) == 1 and others:
        hidden.add(key(min(others, key=lambda name: cells[name])))


def withheld(table: Table) -> set[tuple]:
    """The county cells that may not be shown: counts from 1 to 4 (per figure, per category), and
    the cells that must go with them so that none can be worked out by subtracting the shown
    cells from a total shown elsewhere. Keys are (county, month, figure name) and (county, month,
    category). Within each month a single withheld cell in a column (a figure or a category across
    the counties) or in a county's categories takes the smallest other cell with it; two passes,
    since a cell withheld for its column can leave its row with a single one. With one county
    only there is nothing to hide it among: the whole area is that county.
    """
    hidden: set[tuple] = set()
    for month in table.months:
        for cells, key in [*_columns(table, month), *_rows(table, month)]:
            hidden.update(key(name) for name, count in cells.items() if 0 < count < SMALL_COUNT)
        for _round in range(2):
            for cells, key in [*_columns(table, month), *_rows(table, month)]:
                _complement(hidden, cells, key)
    return hidden


# --- cells and rows as shown ------------------------------------------------------------------

def share_cell(share: float | None, denominator: int, small: bool) -> Cell:
    """A percentage, left out for a county when it rests on fewer than SMALL_COUNT cases."""
    if share is None or (small and denominator < SMALL_COUNT):
        return Cell("—", None)
    return Cell(f"{share * 100:.1f}%", round(share * 100, 1))


def count_shown(count: int, is_withheld: bool) -> Cell:
    """A count, or "<5" (or "—" for a complementary cell) when withheld."""
    if is_withheld:
        return Cell(f"<{SMALL_COUNT}" if 0 < count < SMALL_COUNT else "—", None)
    return Cell(str(count), count)


def figure_cells(figures: Figures, county: str, month: str, hidden: set[tuple]) -> dict[str, Cell]:
    """Every column of one row. For a county: counts withheld as `withheld` says, and shares and
    medians built on fewer than five cases left out."""
    small = county != ALL
    cells = {name: count_shown(figures.counts[name], small and (county, month, name) in hidden)
             for name in queries.COUNT_FIGURES}
    cells["on_time"] = share_cell(figures.on_time_share, figures.with_deadline, small)
    cells["satisfaction"] = share_cell(figures.satisfaction_share, figures.rated, small)
    median = figures.median_days
    concluded = sum(figures.days_histogram.values())
    if median is None or (small and concluded < SMALL_COUNT):
        cells["median_days"] = Cell("—", None)
    else:
        cells["median_days"] = Cell(f"{median:g}", median)
    return cells


def monthly_rows(table: Table, county: str, hidden: set[tuple]) -> list[tuple[str, dict[str, Cell]]]:
    """Every month's row for one county (or the whole area)."""
    return [(month, figure_cells(table.get(county, month), county, month, hidden)) for month in table.months]


def category_rows(table: Table, county: str, month: str, hidden: set[tuple]) -> list[tuple[Category, Cell, Cell]]:
    """Complaints received by category: in the month, and over the twelve months. For a county,
    a twelve-month total is left out when any month in it is withheld: two such totals a month
    apart would otherwise give away the months that differ."""
    in_month = table.get(county, month).categories
    over_year: dict[Category, int] = {}
    for each in table.months:
        for category, count in table.get(county, each).categories.items():
            over_year[category] = over_year.get(category, 0) + count
    rows = []
    for category in Category:
        month_hidden = county != ALL and (county, month, category) in hidden
        year_hidden = county != ALL and any((county, each, category) in hidden for each in table.months)
        rows.append((category, count_shown(in_month.get(category, 0), month_hidden),
                     count_shown(over_year.get(category, 0), year_hidden)))
    return rows


def county_rows(table: Table, month: str, hidden: set[tuple], locale: str) -> list[tuple[str, str, dict[str, Cell]]]:
    """Every county's row in the month, with its name in `locale`."""
    named = regions.by_codes(table.counties)
    return [(code, named[code].name(locale) if code in named else code,
             figure_cells(table.get(code, month), code, month, hidden)) for code in table.counties]


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
