"""Public statistics (/stats): the office's own performance, month by month, for the whole area
or one county, as charts drawn on the server beside the tables they show, and CSV."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from portal import clock
from portal.casework.models import Category
from portal.csvexport import to_csv
from portal.i18n import _, _l, current_locale
from portal.regions import service as regions
from portal.security.headers import public_cache
from portal.stats import charts, queries
from portal.stats.queries import ALL, Figures, Table

bp = Blueprint("stats", __name__)

SMALL_COUNT = 5  # a county's monthly count below this (and above zero) is shown as "<5"
MONTHS_OFFERED = 60
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


class StatsForm(FlaskForm):
    """Which county (or the whole area) and which month (a GET form)."""

    class Meta:
        csrf = False

    county = SelectField(_l("County"), validators=[Optional()])
    month = SelectField(_l("Month"), validators=[Optional()],
                        description=_l("The charts show the twelve months up to this one."))


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


@dataclass
class Cell:
    """A figure as shown: the text, and the value a chart may draw (None when withheld)."""

    text: str
    value: float | None


def share_cell(share: float | None, denominator: int, small: bool) -> Cell:
    if share is None or (small and denominator < SMALL_COUNT):
        return Cell("—", None)
    return Cell(f"{share * 100:.1f}%", round(share * 100, 1))


def withheld(table: Table) -> set[tuple]:
    """The county cells that may not be shown: counts from 1 to 4 (per figure, per category), and
    the cells that must go with them so that none can be worked out by subtracting the shown
    cells from a total shown elsewhere. Keys are (county, month, figure name) and (county, month,
    category). Within each month:
    - in each column (a figure or a category across the counties, whose whole-area total is shown)
      a single withheld cell takes the smallest other county cell with it;
    - in each county's categories (whose sum, "received", is shown) likewise;
    two passes, since a cell withheld for its column can leave its row with a single one. With one
    county only there is nothing to hide it among: the whole area is that county.
    """
    hidden: set[tuple] = set()

    def complement(cells: dict, key) -> None:
        """If exactly one cell of these is withheld, withhold the smallest other one too (a zero
        among them first: otherwise the total less the zeros would give the withheld one away)."""
        withheld_here = [name for name in cells if key(name) in hidden]
        others = [name for name in cells if key(name) not in hidden]
        if len(withheld_here) == 1 and others:
            hidden.add(key(min(others, key=lambda name: cells[name])))

    def columns(month: str):
        for name in queries.REPORTER_FIGURES:
            yield {county: table.get(county, month).counts[name] for county in table.counties}, \
                lambda county, name=name: (county, month, name)
        for category in Category:
            yield {county: table.get(county, month).categories.get(category, 0) for county in table.counties}, \
                lambda county, category=category: (county, month, category)

    def rows(month: str):
        for county in table.counties:
            yield {category: table.get(county, month).categories.get(category, 0) for category in Category}, \
                lambda category, county=county: (county, month, category)

    for month in table.months:
        for cells, key in [*columns(month), *rows(month)]:
            hidden.update(key(name) for name, count in cells.items() if 0 < count < SMALL_COUNT)
        # Twice over: a cell withheld for its column may leave its row with a single withheld cell.
        for _round in range(2):
            for cells, key in [*columns(month), *rows(month)]:
                complement(cells, key)
    return hidden


def count_shown(count: int, is_withheld: bool) -> Cell:
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


def _month_choices() -> list[tuple[str, str]]:
    current = queries.month_key(clock.today())
    return [(month, month) for month in reversed(queries.months_ending(current, MONTHS_OFFERED))]


def _county_choices() -> list[tuple[str, str]]:
    locale = current_locale()
    named = regions.by_codes(queries.all_counties())
    choices = sorted(((code, region.name(locale)) for code, region in named.items()), key=lambda item: item[0])
    return [(ALL, _("The whole area"))] + choices


def _selection() -> tuple[StatsForm, str, str]:
    """The form from the query string, and the county ("" for all) and month it settles on; an
    unknown choice is reported beside its field and the default used instead."""
    form = StatsForm(request.args)
    form.county.choices = _county_choices()
    form.month.choices = _month_choices()
    county = request.args.get("county", ALL)
    month = request.args.get("month") or form.month.choices[0][0]
    if county not in {code for code, _label in form.county.choices}:
        form.county.errors = [_("Choose a county from the list.")]
        county = ALL
    if month not in {value for value, _label in form.month.choices}:
        form.month.errors = [_("Choose a month from the list.")]
        month = form.month.choices[0][0]
    form.county.data, form.month.data = county, month
    return form, county, month


def monthly_rows(table: Table, county: str, hidden: set[tuple]) -> list[tuple[str, dict[str, Cell]]]:
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


def county_rows(table: Table, month: str, hidden: set[tuple]) -> list[tuple[str, str, dict[str, Cell]]]:
    locale = current_locale()
    named = regions.by_codes(table.counties)
    return [(code, named[code].name(locale) if code in named else code,
             figure_cells(table.get(code, month), code, month, hidden)) for code in table.counties]


def _charts(rows, categories, scope_name: str, month: str) -> list[charts.Chart]:
    months = [m for m, _cells in rows]
    flow = charts.grouped_columns(
        _("Complaints received and concluded, %(scope)s", scope=scope_name),
        _("Columns for each of the twelve months to %(month)s; the table below gives the same numbers.",
          month=month),
        [m[2:] for m in months],
        [(_("Complaints received"), [c["received"].value for _m, c in rows]),
         (_("Concluded"), [c["concluded"].value for _m, c in rows])],
        [[c["received"].text for _m, c in rows], [c["concluded"].text for _m, c in rows]])
    on_time = charts.grouped_columns(
        _("Share concluded on time and share satisfied, %(scope)s", scope=scope_name),
        _("Percentages for each of the twelve months to %(month)s; months with fewer than five cases in a "
          "county are left out.", month=month),
        [m[2:] for m in months],
        [(_("Concluded on time (%)"), [c["on_time"].value for _m, c in rows]),
         (_("Satisfied or basically satisfied (%)"), [c["satisfaction"].value for _m, c in rows])],
        [[c["on_time"].text for _m, c in rows], [c["satisfaction"].text for _m, c in rows]])
    shown = [row for row in categories if row[2].text != "0"]
    by_category = charts.horizontal_bars(
        _("Complaints received by category, twelve months to %(month)s", month=month),
        _("One bar per category with complaints; the table below gives the same numbers."),
        [str(category.label) for category, _m, _y in shown], [year.value for _c, _m, year in shown],
        [year.text for _c, _m, year in shown])
    return [flow, on_time, by_category] if shown else [flow, on_time]


@bp.get("/stats")
@public_cache(300)
def index():
    """The figures for the chosen county and the twelve months to the chosen month."""
    form, county, month = _selection()
    table = table_for(queries.months_ending(month))
    hidden = withheld(table)
    scope_name = dict(form.county.choices)[county]
    rows = monthly_rows(table, county, hidden)
    categories = category_rows(table, county, month, hidden)
    counties = county_rows(table, month, hidden) if county == ALL else []
    selected = dict(rows)[month]
    return render_template("stats/index.html", form=form, county=county, month=month, scope_name=scope_name,
                           rows=rows, columns=COLUMNS, categories=categories, counties=counties, selected=selected,
                           charts=_charts(rows, categories, scope_name, month), small_count=SMALL_COUNT)


@bp.get("/stats.csv")
@public_cache(300)
def export():
    """One of the page's tables as CSV, with the same withheld cells."""
    table_name = request.args.get("table", "monthly")
    if table_name not in TABLES:
        abort(404)
    form, county, month = _selection()
    if form.county.errors or form.month.errors:
        abort(400)
    table = table_for(queries.months_ending(month))
    hidden = withheld(table)
    labels = [str(label) for _name, label in COLUMNS]
    if table_name == "monthly":
        header = [_("Month")] + labels
        body = [[m] + [cells[name].text for name, _label in COLUMNS] for m, cells in monthly_rows(table, county, hidden)]
    elif table_name == "categories":
        header = [_("Category"), _("Received in %(month)s", month=month), _("Received in the twelve months")]
        body = [[category.label, in_month.text, year.text]
                for category, in_month, year in category_rows(table, county, month, hidden)]
    else:
        if county != ALL:
            abort(404)
        header = [_("County code"), _("County")] + labels
        body = [[code, name] + [cells[n].text for n, _label in COLUMNS] for code, name, cells in county_rows(table, month, hidden)]
    response = Response(to_csv(header, body), mimetype="text/csv")
    scope = county or "all"
    response.headers["Content-Disposition"] = f"attachment; filename=stats-{table_name}-{scope}-{month}.csv"
    return response
