"""Public pages: the appointed supervisors in term (so an institution can check a visitor's
certificate), and the candidates published for objections with how to object."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from portal import clock
from portal.pagination import paginate, parse_page_number
from portal.security.headers import public_cache
from portal.supervisors import service
from portal.text import clean_text

bp = Blueprint("supervisors", __name__)
MAX_CERTIFICATE = 40


@bp.get("/supervisors")
@public_cache()
def index():
    """Supervisors appointed and in term today, by county; a certificate number narrows it to one."""
    certificate = clean_text(request.args.get("certificate"))[:MAX_CERTIFICATE]
    today = clock.today()
    page = paginate(service.appointed_query(today, certificate), parse_page_number(request.args.get("page")),
                    current_app.config["PAGE_SIZE"])
    return render_template("supervisors/index.html", page=page, certificate=certificate, today=today,
                           args={"certificate": certificate} if certificate else {})


@bp.get("/supervisors/candidates")
@public_cache()
def candidates():
    """Candidates published for objections today, and how to object."""
    return render_template("supervisors/candidates.html", candidates=service.published_candidates(clock.today()))
