"""Region suggestions for the place fields' optional script; the fields work without it."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from portal.i18n import current_locale
from portal.regions import service
from portal.regions.models import RegionLevel

bp = Blueprint("regions", __name__)


@bp.get("/regions/suggest")
def suggest():
    """Up to ten divisions matching `q`, optionally of one `level`, as JSON."""
    levels = None
    if request.args.get("level") in {level.value for level in RegionLevel}:
        levels = [RegionLevel(request.args["level"])]
    locale = current_locale()
    regions = service.search(request.args.get("q", ""), levels)
    return jsonify([{"code": r.code, "label": r.path(locale), "current": r.current} for r in regions])
