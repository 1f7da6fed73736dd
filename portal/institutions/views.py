"""Public registry pages: search and detail."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from portal import clock
from portal.institutions import profile, service
from portal.institutions.forms import InstitutionSearchForm
from portal.institutions.models import InstitutionKind
from portal.pagecache import cached_page
from portal.pagination import parse_page_number
from portal.security.headers import public_cache

bp = Blueprint("institutions", __name__)

SEARCH_FILTERS = ("q", "region", "kind", "whitelisted")


@bp.get("/institutions")
@public_cache(300)
@cached_page("institutions", "blacklist", "disclosures", params=SEARCH_FILTERS)
def index():
    """Search the registry by name or USCC, filtered by area, kind and whitelist standing."""
    args = request.args.copy()
    if args.get("kind") not in {kind.value for kind in InstitutionKind}:
        args.pop("kind", None)  # an unknown kind is ignored, not an error
    form = InstitutionSearchForm(args)
    form.validate()
    searched = any(args.get(name) for name in SEARCH_FILTERS)
    page = None
    if not form.region.errors:  # an unclear area asks first rather than showing everything
        region = form.region.region
        query = service.InstitutionQuery.from_input(
            form.q.data, region.scope_prefix if region else None, form.kind.data, bool(form.whitelisted.data))
        page = service.search(query, parse_page_number(args.get("page")), current_app.config["PAGE_SIZE"])
    return render_template("institutions/index.html", form=form, page=page, searched=searched)


@bp.get("/institutions/<int:institution_id>")
@public_cache(300)
def detail(institution_id: int):
    """One institution: is it safe to pay? The whitelist verdict, then every public record about it."""
    facts = profile.profile(institution_id, clock.today())
    return render_template("institutions/detail.html", profile=facts, institution=facts.institution,
                           verdict=facts.verdict, prepaid_months=facts.prepaid_months,
                           prepaid_hours=facts.prepaid_hours, **facts.sections)
