"""Public penalty disclosures: the list, one decision, the CSV download, the Atom feed, and the
enforcement matters catalogue."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.datastructures import MultiDict

from portal import clock, feeds
from portal.casework.models import Category
from portal.csvexport import to_csv
from portal.disclosures import queries
from portal.disclosures.forms import DisclosureSearchForm
from portal.disclosures.models import PenaltyCategory
from portal.discretion import service as discretion
from portal.i18n import _, _p, current_locale
from portal.pagecache import cached_page
from portal.pagination import parse_page_number
from portal.security.headers import public_cache

bp = Blueprint("disclosures", __name__)

FILTERS = ("q", "region", "violation", "penalty", "decided_from", "decided_to")


def _parse() -> tuple[DisclosureSearchForm, queries.DisclosureQuery | None]:
    """The search form from the query string, and the query it asks for (None when unclear)."""
    args = MultiDict(request.args)
    for name, enum_class in (("violation", Category), ("penalty", PenaltyCategory)):
        if args.get(name) not in {member.value for member in enum_class}:
            args.pop(name, None)  # an unknown category is ignored, not an error
    form = DisclosureSearchForm(args)
    if not form.validate():
        return form, None
    region = form.region.region
    return form, queries.DisclosureQuery.from_input(
        form.q.data, region.scope_prefix if region else None, form.violation.data, form.penalty.data,
        form.decided_from.data, form.decided_to.data)


def _filter_args() -> dict[str, str]:
    """The filters as they were sent, for the pager and the download link."""
    return {name: request.args.get(name, "") for name in FILTERS if request.args.get(name)}


@bp.get("/disclosures")
@public_cache(300)
@cached_page("disclosures", params=FILTERS)
def index():
    """Search the penalty decisions that are within their publication period."""
    form, query = _parse()
    page = None
    if query is not None:
        page = queries.search(query, parse_page_number(request.args.get("page")),
                              current_app.config["PAGE_SIZE"], clock.today())
    searched = any(request.args.get(name) for name in FILTERS)
    return render_template("disclosures/index.html", form=form, page=page, searched=searched,
                           args=_filter_args())


@bp.get("/disclosures/<int:disclosure_id>")
@public_cache(300)
def detail(disclosure_id: int):
    """One penalty decision as published."""
    disclosure = queries.get_public(disclosure_id, clock.today())
    return render_template("disclosures/detail.html", disclosure=disclosure)


def _money(amount) -> str:
    return "" if amount is None else f"{amount:.2f}"


def _csv_row(d: queries.PublicDisclosure, locale: str) -> list:
    return [d.decision_number, d.party_name, d.party_type.label, d.uscc or "", d.legal_representative,
            d.violation.label, "; ".join(str(p.label) for p in d.penalties), d.penalty_content, d.facts,
            d.legal_basis, _money(d.fine_amount), _money(d.confiscated_amount), d.decision_date.isoformat(),
            d.valid_until.isoformat() if d.valid_until else "", d.shown_until.isoformat() if d.shown_until else "",
            d.authority_name,
            d.authority_uscc, d.data_source, d.region.path(locale), d.remarks,
            _p("disclosure state", "Withdrawn") if d.withdrawn else _p("disclosure state", "Published"),
            d.withdrawal_reason]


@bp.get("/disclosures.csv")
@public_cache(300)
def export():
    """The list under the same filters as a spreadsheet (UTF-8 with a byte-order mark)."""
    _form, query = _parse()
    if query is None:
        abort(400)
    header = [_("Decision number"), _("Party"), _("Party type"), _("Unified social credit code"),
              _("Legal representative"), _("Violation"), _("Penalties"), _("Penalty content"), _("Facts"),
              _("Legal basis"), _("Fine (yuan)"), _("Confiscated (yuan)"), _("Decision date"), _("Valid until"),
              _("Published until"), _("Deciding authority"), _("Authority's unified social credit code"),
              _("Data source"), _("Area"), _("Remarks"), _("State"), _("Reason for withdrawal")]
    locale = current_locale()
    rows = (_csv_row(d, locale) for d in queries.for_csv(query, clock.today()))
    response = Response(to_csv(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=disclosures-{clock.today():%Y%m%d}.csv"
    return response




def _entry(feed: ET.Element, d: queries.PublicDisclosure) -> dt.datetime:
    changed = d.withdrawn_at or d.published_at or dt.datetime.combine(d.decision_date, dt.time(),
                                                                      dt.timezone.utc)
    entry = ET.SubElement(feed, "entry")
    link = feeds.absolute("disclosures.detail", disclosure_id=d.id)
    title = f"{_('Withdrawn') + ': ' if d.withdrawn else ''}{d.party_name} · {d.decision_number}"
    feeds.text(entry, "title", title)
    feeds.text(entry, "id", link)
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": link})
    feeds.text(entry, "updated", changed.isoformat(timespec="seconds"))
    if d.published_at:
        feeds.text(entry, "published", d.published_at.isoformat(timespec="seconds"))
    summary = [_("Violation: %(violation)s", violation=d.violation.label),
               _("Penalties: %(penalties)s", penalties="; ".join(str(p.label) for p in d.penalties)),
               _("Decided on %(date)s by %(authority)s", date=d.decision_date.isoformat(),
                 authority=d.authority_name)]
    if d.withdrawn:
        summary.insert(0, _p("disclosure state", "Withdrawn: %(reason)s", reason=d.withdrawal_reason))
    feeds.text(entry, "summary", "\n".join(summary), type="text")
    return changed


@bp.get("/disclosures.atom")
@public_cache(300)
def feed():
    """The latest visible penalty decisions as an Atom 1.0 feed."""
    root, updated = feeds.start(_("Penalty disclosures"), "disclosures.feed", "disclosures.index")
    changes = [_entry(root, d) for d in queries.latest(clock.today())]
    updated.text = max(changes, default=clock.now()).isoformat(timespec="seconds")
    return feeds.respond(root)


@bp.get("/enforcement-matters")
@public_cache(300)
def matters():
    """The enforcement matters catalogue: each matter, its basis, level and penalty range; the
    national one, or with ?province=33 the lines in force in that province (its own and national)."""
    from portal.regions import service as regions

    provinces = regions.children(None)
    code = request.args.get("province", "")
    province = next((p for p in provinces if p.scope_prefix == code), None) if code else None
    if code and province is None:
        abort(404)
    return render_template("disclosures/matters.html", groups=discretion.matters(code), provinces=provinces,
                           province=province, penalty_labels=discretion.rule_penalties)
