"""The API's description: the OpenAPI document and the readable guide at /api."""
from __future__ import annotations

from flask import current_app, render_template

from portal.api import openapi
from portal.api.blueprint import PREFIX, bp, json_response
from portal.security.headers import public_cache


@bp.get(f"{PREFIX}/openapi.json")
@public_cache(3600)
def openapi_document():
    """The OpenAPI 3.1 description of /api/v1."""
    return json_response(openapi.document())


@bp.get("/api")
@public_cache(3600)
def guide():
    """A readable page about the API, with curl examples that work as written."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return render_template("api/index.html", base=base, examples=openapi.curl_examples(base))
