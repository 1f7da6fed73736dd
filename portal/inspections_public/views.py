"""Public random inspections: the list of draws, one draw (its inputs before the draw; the seed,
targets, inspectors and results after it), its JSON download and the standalone script that
recomputes it."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request

from portal.inspections import algorithm, directories, published
from portal.inspections.models import DrawState
from portal.pagination import parse_page_number
from portal.regions import service as regions
from portal.security.headers import public_cache

bp = Blueprint("inspections", __name__)


@bp.get("/inspections")
@public_cache(60)
def index():
    """Every committed draw, newest first."""
    page = published.public_draws(parse_page_number(request.args.get("page")), current_app.config["PAGE_SIZE"])
    return render_template("inspections/index.html", page=page,
                           places=regions.by_codes({d.region_code for d in page.items}))


def _public(draw_id: int):
    return published.get_public(draw_id)


@bp.get("/inspections/<int:draw_id>")
@public_cache(60)
def detail(draw_id: int):
    """One draw: before it, the frozen inputs' hashes and the seed's commitment; after it, the
    seed, the institutions and inspectors it gave, recusals and, once published, the results."""
    draw = _public(draw_id)
    revealed = draw.state in (DrawState.DRAWN, DrawState.PUBLISHED)
    assignments = published.assignments_of(draw) if revealed else []
    targets, inspectors = published.frozen(draw)
    weights = {t["id"]: t["weight"] for t in targets["targets"]}
    names = {i["id"]: i["name"] for i in inspectors["inspectors"]}
    return render_template("inspections/detail.html", draw=draw, revealed=revealed, assignments=assignments,
                           targets=targets, inspectors=inspectors, weights=weights, names=names,
                           recusals=published.recusals(assignments),
                           assignment_names={a.id: a.institution.name for a in assignments},
                           place=regions.get(draw.region_code),
                           county=regions.get(draw.county_code) if draw.county_code else None,
                           results_published=draw.state is DrawState.PUBLISHED,
                           max_weight=directories.MAX_WEIGHT, item_list=published.item_rows(draw))


@bp.get("/inspections/<int:draw_id>.json")
@public_cache(60)
def download(draw_id: int):
    """The draw's published inputs (and, after the draw, its seed and outcome) as JSON."""
    body = json.dumps(published.document(_public(draw_id)), ensure_ascii=False, sort_keys=True, indent=2)
    response = Response(body + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename=inspection-draw-{draw_id}.json"
    return response


@bp.get("/inspections/verify_draw.py")
@public_cache(3600)
def script():
    """The standalone script (Python standard library only) that recomputes a draw."""
    response = Response(algorithm.SCRIPT.read_bytes(), mimetype="text/x-python")
    response.headers["Content-Disposition"] = "attachment; filename=verify_draw.py"
    return response
