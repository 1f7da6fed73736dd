"""The API's one blueprint and its answers: JSON with Chinese as characters, and errors as
{"error": {"code", "message"}} in the request's language. The endpoints live in read_views
(the public lists), complaint_views (filing and following a complaint) and views (the
description); each adds its routes to `bp`."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response
from flask_babel.speaklater import LazyString

from portal.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

PREFIX = "/api/v1"


class ApiError(Exception):
    """An answer other than success: HTTP status, stable code, message, and per-field messages."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


def json_response(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    """JSON with Chinese as UTF-8 characters, not \\u escapes."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, headers=headers, mimetype="application/json")


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    """The error body; `fields` only when there are per-field messages."""
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    return json_response({"error": body}, error.status)


def answer(exception: type[Exception], code: str, message: LazyString, status: int | None = None) -> None:
    """Answer a service exception that reaches the API with this code and message; the status is
    the exception's own (that of its base in portal.errors) unless one is given."""
    status = status or getattr(exception, "status", 500)

    def handler(_error: Exception) -> Response:
        return api_error(ApiError(status, code, str(message)))

    bp.register_error_handler(exception, handler)
