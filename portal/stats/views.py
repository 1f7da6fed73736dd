"""Public statistics (/stats): the office's own performance, month by month, for the whole area
or one county, as charts drawn on the server beside the tables they show, and CSV."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from portal import clock
from portal.csvexport import to_csv
from portal.i18n import _, current_locale
from portal.regions import service as regions
from portal.security.headers import public_cache
from portal.stats import charts, queries, service
from portal.stats.forms import StatsForm
from portal.stats.queries import ALL

bp = Blueprint("stats", __name__)

MONTHS_OFFERED = 60


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
        _("Percentages for each of the twelve months to %(month)s; months resting on fewer than five cases "
          "are left out.", month=month),
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
    shown = service.report(county, month, current_locale())
    scope_name = dict(form.county.choices)[county]
    return render_template("stats/index.html", form=form, county=county, month=month, scope_name=scope_name,
                           rows=shown.monthly, columns=service.MAIN_COLUMNS,
                           refund_columns=service.REFUND_COLUMNS, categories=shown.categories,
                           counties=shown.counties, selected=shown.selected,
                           charts=_charts(shown.monthly, shown.categories, scope_name, month),
                           small_count=service.SMALL_COUNT, noise_bound=service.NOISE_BOUND)


@bp.get("/stats.csv")
@public_cache(300)
def export():
    """One of the page's tables as CSV, with the same withheld cells."""
    table_name = request.args.get("table", "monthly")
    if table_name not in service.TABLES:
        abort(404)
    form, county, month = _selection()
    if form.county.errors or form.month.errors:
        abort(400)
    header, body = service.csv_table(table_name, service.report(county, month, current_locale()))
    response = Response(to_csv(header, body), mimetype="text/csv")
    scope = county or "all"
    response.headers["Content-Disposition"] = f"attachment; filename=stats-{table_name}-{scope}-{month}.csv"
    return response
