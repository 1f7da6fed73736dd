"""Public registry pages: search and detail."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from portal.institutions import service
from portal.institutions.forms import InstitutionSearchForm
from portal.pagination import parse_page_number
from portal.security.headers import public_cache

bp = Blueprint("institutions", __name__)


@bp.get("/institutions")
@public_cache(300)
def index():
    """Search the registry by name or USCC, filtered by area and kind."""
    form = InstitutionSearchForm(request.args)
    form.validate()
    region = form.region.region
    query = service.InstitutionQuery.from_input(
        form.q.data, region.scope_prefix if region else None, form.kind.data)
    page = service.search(query, parse_page_number(request.args.get("page")),
                          current_app.config["PAGE_SIZE"])
    searched = any(request.args.get(name) for name in ("q", "region", "kind"))
    return render_template("institutions/index.html", form=form, page=page, searched=searched)


@bp.get("/institutions/<int:institution_id>")
@public_cache(300)
def detail(institution_id: int):
    """One institution's registry facts."""
    try:
        institution = service.get(institution_id)
    except service.InstitutionNotFound:
        abort(404)
    return render_template("institutions/detail.html", institution=institution)
