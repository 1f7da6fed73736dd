"""The public page on refunds. The limits come from `portal.rules` (the national values, or the
province's stricter ones when the parent names a county); nothing here is a number of its own."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.rules import service as rules
from portal.rules.definitions import BY_NAME

bp = Blueprint("refund_guide", __name__)


def _region_code() -> str | None:
    """The county the parent chose (?region=330106), or None for the national values."""
    code = (request.args.get("region") or "")[:6]
    try:
        region = regions.get(code)
    except regions.RegionNotFound:
        return None
    return region.code if region.level is RegionLevel.COUNTY else None


@bp.get("/refunds")
def page():
    """How refunds of prepaid fees work, and what the office can do."""
    code = _region_code()
    return render_template(
        "refund_guide/page.html", region=regions.get(code) if code else None,
        months=rules.value("prepaid_max_months", code), hours=rules.value("prepaid_max_class_hours", code),
        basis=BY_NAME["prepaid_max_months"].basis)
