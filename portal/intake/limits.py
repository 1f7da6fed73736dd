"""Limits on filing and following complaints, shared by the pages and the API: a client has one
allowance whichever door it uses (a complaint filed through the API counts against the form's)."""
from __future__ import annotations

from flask import current_app, g

from portal.extensions import limiter


def _submit() -> str:
    return current_app.config["LIMIT_COMPLAINT_SUBMIT"]


def _post() -> str:
    return current_app.config["LIMIT_COMPLAINT_POST"]


def _lookup() -> str:
    return current_app.config["LIMIT_RECEIPT_LOOKUP"]


def filed_a_new_complaint(_response) -> bool:
    """Only complaints actually filed count against the submission limit, not corrections or retries."""
    return g.get("filed_new", False)


complaint_posts = limiter.shared_limit(_post, scope="complaint-post", methods=["POST"])
complaints_filed = limiter.shared_limit(_submit, scope="complaint-submit", methods=["POST"],
                                        deduct_when=filed_a_new_complaint)
receipt_lookups = limiter.shared_limit(_lookup, scope="receipt-lookup", methods=["POST"])
