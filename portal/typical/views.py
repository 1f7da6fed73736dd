"""Public typical cases (/cases): the list with search, one article, and the Atom feed."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from portal import clock
from portal.i18n import _, current_locale
from portal.pagination import parse_page_number
from portal.security.headers import public_cache
from portal.site.pagecache import cached_page
from portal.typical import queries
from portal.typical.forms import CaseSearchForm
from portal.typical.models import ArticleState, TypicalCase

bp = Blueprint("typical", __name__)

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FILTERS = ("q", "region", "year")


def _parse() -> tuple[CaseSearchForm, queries.CaseQuery | None]:
    """The search form from the query string, and the query it asks for (None when unclear)."""
    years = queries.years()
    args = MultiDict(request.args)
    if args.get("year") not in {str(year) for year in years}:
        args.pop("year", None)  # a year without cases is ignored, not an error
    form = CaseSearchForm(args, years=years)
    if not form.validate():
        return form, None
    region = form.region.region
    return form, queries.CaseQuery.from_input(form.q.data, region.scope_prefix if region else None,
                                              int(form.year.data) if form.year.data else None)


@bp.get("/cases")
@public_cache(300)
@cached_page
def index():
    """Published typical cases, newest first, by words in the title, area and year."""
    form, query = _parse()
    page = None
    if query is not None:
        page = queries.search(query, parse_page_number(request.args.get("page")), current_app.config["PAGE_SIZE"])
    locale = current_locale()
    return render_template("typical/index.html", form=form, page=page,
                           shown={c.id: queries.shown(c, locale) for c in page.items} if page else {},
                           searched=any(request.args.get(name) for name in FILTERS),
                           args={name: request.args[name] for name in FILTERS if request.args.get(name)})


@bp.get("/cases/<int:typical_case_id>")
@public_cache(300)
def detail(typical_case_id: int):
    """One typical case; a withdrawn one shows the reason instead of its text."""
    try:
        case = queries.get_public(typical_case_id)
    except queries.CaseNotFound:
        abort(404)
    return render_template("typical/detail.html", case=case, shown=queries.shown(case, current_locale()),
                           withdrawn=case.state is ArticleState.WITHDRAWN,
                           visible_disclosures=queries.visible_disclosure_ids(case, clock.today()))


# ---- The feed ----------------------------------------------------------------------------------

def _absolute(endpoint: str, **values) -> str:
    # From the configured address, never the request's Host header: the feed may be cached.
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _entry(feed: ET.Element, case: TypicalCase, locale: str):
    words = queries.shown(case, locale)
    withdrawn = case.state is ArticleState.WITHDRAWN
    changed = case.withdrawn_at if withdrawn else case.published_at
    entry = ET.SubElement(feed, "entry")
    link = _absolute("typical.detail", typical_case_id=case.id)
    _text(entry, "title", f"{_('Withdrawn') + ': ' if withdrawn else ''}{words.title}",
          **{XML_LANG: words.title_lang})
    _text(entry, "id", link)
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": link})
    _text(entry, "updated", changed.isoformat(timespec="seconds"))
    _text(entry, "published", case.published_at.isoformat(timespec="seconds"))
    if withdrawn:
        _text(entry, "summary", _("Withdrawn: %(reason)s", reason=case.withdrawal_reason), type="text")
    else:
        _text(entry, "summary", words.summary, type="text", **{XML_LANG: words.summary_lang})
    return changed


@bp.get("/cases.atom")
@public_cache(300)
def feed():
    """The latest published (and withdrawn) typical cases as an Atom 1.0 feed."""
    locale = current_locale()
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: "zh-CN" if locale == "zh_CN" else "en"})
    authority = current_app.config["AUTHORITY_NAME_ZH" if locale == "zh_CN" else "AUTHORITY_NAME_EN"]
    _text(root, "title", f"{_('Typical cases')} · {authority}")
    _text(root, "id", _absolute("typical.feed"))
    ET.SubElement(root, "link", {"rel": "self", "type": "application/atom+xml", "href": _absolute("typical.feed")})
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": _absolute("typical.index")})
    author = ET.SubElement(root, "author")
    _text(author, "name", authority)
    updated = _text(root, "updated", "")
    changes = [_entry(root, case, locale) for case in queries.latest()]
    updated.text = max(changes, default=clock.now()).isoformat(timespec="seconds")
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), mimetype="application/atom+xml")
