"""Public typical cases (/cases): the list with search, one article, and the Atom feed."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Blueprint, current_app, render_template, request
from werkzeug.datastructures import MultiDict

from portal import clock, feeds
from portal.i18n import _, current_locale
from portal.pagecache import cached_page
from portal.pagination import parse_page_number
from portal.security.headers import public_cache
from portal.typical import queries
from portal.typical.forms import CaseSearchForm
from portal.typical.models import ArticleState, TypicalCase

bp = Blueprint("typical", __name__)

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
@cached_page("typical", params=FILTERS)
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
    case = queries.get_public(typical_case_id)
    return render_template("typical/detail.html", case=case, shown=queries.shown(case, current_locale()),
                           withdrawn=case.state is ArticleState.WITHDRAWN,
                           visible_disclosures=queries.visible_disclosure_ids(case, clock.today()))


# ---- The feed ----------------------------------------------------------------------------------



def _entry(feed: ET.Element, case: TypicalCase, locale: str):
    words = queries.shown(case, locale)
    withdrawn = case.state is ArticleState.WITHDRAWN
    changed = case.withdrawn_at if withdrawn else case.published_at
    entry = ET.SubElement(feed, "entry")
    link = feeds.absolute("typical.detail", typical_case_id=case.id)
    feeds.text(entry, "title", f"{_('Withdrawn') + ': ' if withdrawn else ''}{words.title}",
          **{feeds.XML_LANG: words.title_lang})
    feeds.text(entry, "id", link)
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": link})
    feeds.text(entry, "updated", changed.isoformat(timespec="seconds"))
    feeds.text(entry, "published", case.published_at.isoformat(timespec="seconds"))
    if withdrawn:
        feeds.text(entry, "summary", _("Withdrawn: %(reason)s", reason=case.withdrawal_reason), type="text")
    else:
        feeds.text(entry, "summary", words.summary, type="text", **{feeds.XML_LANG: words.summary_lang})
    return changed


@bp.get("/cases.atom")
@public_cache(300)
def feed():
    """The latest published (and withdrawn) typical cases as an Atom 1.0 feed."""
    locale = current_locale()
    root, updated = feeds.start(_("Typical cases"), "typical.feed", "typical.index")
    changes = [_entry(root, case, locale) for case in queries.latest()]
    updated.text = max(changes, default=clock.now()).isoformat(timespec="seconds")
    return feeds.respond(root)
