"""Public blacklist pages: list, detail, CSV and Atom."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.datastructures import MultiDict

from portal import clock, feeds
from portal.blacklist import queries
from portal.blacklist.forms import BlacklistSearchForm
from portal.blacklist.models import BlacklistEntry, BlacklistReason, BlacklistState
from portal.csvexport import to_csv
from portal.i18n import _, current_locale
from portal.pagecache import cached_page
from portal.pagination import parse_page_number
from portal.security.headers import public_cache

bp = Blueprint("blacklist", __name__)

FILTERS = ("q", "region", "reason", "removed")


def _parse() -> tuple[BlacklistSearchForm, queries.BlacklistQuery | None]:
    """The search form from the query string, and the query it asks for (None when unclear)."""
    args = MultiDict(request.args)
    if args.get("reason") not in {member.value for member in BlacklistReason}:
        args.pop("reason", None)  # an unknown reason is ignored, not an error
    form = BlacklistSearchForm(args)
    if not form.validate():
        return form, None
    region = form.region.region
    return form, queries.BlacklistQuery.from_input(form.q.data, region.scope_prefix if region else None,
                                                   form.reason.data, bool(form.removed.data))


def _filter_args() -> dict[str, str]:
    """The filters as they were sent, for the pager and the download link."""
    return {name: request.args.get(name, "") for name in FILTERS if request.args.get(name)}


@bp.get("/blacklist")
@public_cache(300)
@cached_page("blacklist", params=FILTERS)
def index():
    """Search the operators on the blacklist; removed ones on request, marked as removed."""
    form, query = _parse()
    page = None
    if query is not None:
        page = queries.search(query, parse_page_number(request.args.get("page")), current_app.config["PAGE_SIZE"])
    searched = any(request.args.get(name) for name in FILTERS)
    return render_template("blacklist/index.html", form=form, page=page, searched=searched, args=_filter_args(),
                           States=BlacklistState)


@bp.get("/blacklist/<int:entry_id>")
@public_cache(300)
def detail(entry_id: int):
    """One entry as published, with its public history and the linked penalty decisions."""
    entry = queries.get_public(entry_id)
    return render_template("blacklist/detail.html", entry=entry, steps=queries.public_history(entry),
                           disclosures={d.decision_number: d for d in queries.linked_disclosures(entry, clock.today())},
                           States=BlacklistState, today=clock.today())


def _status(entry: BlacklistEntry) -> str:
    return str(entry.state.label)


def _csv_row(e: BlacklistEntry, locale: str) -> list:
    return [e.name, e.uscc or _("No code"), e.address, e.region.path(locale), e.region_code, e.training_type.label,
            e.reason.label, e.facts, e.authority_name, e.listed_on.isoformat() if e.listed_on else "", e.batch,
            e.cutoff_date.isoformat() if e.cutoff_date else "", e.outcome, "; ".join(e.decision_number_list),
            _status(e), e.removed_on.isoformat() if e.removed_on else "", e.removal_reason]


@bp.get("/blacklist.csv")
@public_cache(300)
def export():
    """The list under the same filters as a spreadsheet (UTF-8 with a byte-order mark)."""
    _form, query = _parse()
    if query is None:
        abort(400)
    header = [_("Institution or operator"), _("Unified social credit code"), _("Address"), _("District or county"),
              _("Area code"), _("Training type"), _("Reason for listing"), _("Facts of the violation"),
              _("Authority that decided the listing"),
              _("Date listed"), _("Batch"), _("Cut-off date"), _("Outcome"), _("Linked penalty decisions"),
              _("Status on the list"), _("Date removed"), _("Reason for removal")]
    locale = current_locale()
    rows = (_csv_row(e, locale) for e in queries.for_csv(query))
    response = Response(to_csv(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=blacklist-{clock.today():%Y%m%d}.csv"
    return response




def _entry(feed: ET.Element, e: BlacklistEntry, locale: str) -> None:
    entry = ET.SubElement(feed, "entry")
    link = feeds.absolute("blacklist.detail", entry_id=e.id)
    removed = e.state is BlacklistState.REMOVED
    feeds.text(entry, "title", f"{_('Removed') + ': ' if removed else ''}{e.name} · {e.reason.label}")
    feeds.text(entry, "id", link)
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": link})
    feeds.text(entry, "updated", e.updated_at.isoformat(timespec="seconds"))
    summary = [_("Status: %(status)s", status=_status(e)), e.region.path(locale),
               _("Listed on %(date)s by %(authority)s", date=e.listed_on.isoformat() if e.listed_on else "",
                 authority=e.authority_name)]
    if removed:
        summary.append(_("Removed on %(date)s: %(reason)s", date=e.removed_on.isoformat(), reason=e.removal_reason))
    feeds.text(entry, "summary", "\n".join(summary), type="text")


@bp.get("/blacklist.atom")
@public_cache(300)
def feed():
    """The latest changes on the public list as an Atom 1.0 feed."""
    locale = current_locale()
    root, updated = feeds.start(_("Blacklist"), "blacklist.feed", "blacklist.index")
    entries = queries.latest()
    updated.text = max((e.updated_at for e in entries), default=clock.now()).isoformat(timespec="seconds")
    for e in entries:
        _entry(root, e, locale)
    return feeds.respond(root)
