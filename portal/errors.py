"""One error handler answering JSON under /api/ and a translated page everywhere else."""
from __future__ import annotations

import logging
import math
import time

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
    UnprocessableEntity,
)
from werkzeug.exceptions import Conflict as HTTPConflict
from werkzeug.exceptions import NotFound as HTTPNotFound

from portal.i18n import _l

log = logging.getLogger(__name__)


class PortalError(Exception):
    """Base of every refusal a service raises. Views catch the ones they explain beside a field;
    the rest reach the registered handler, which answers with the status of the base class."""

    status = 400


class NotFound(PortalError):
    """The record does not exist, or lies outside the caller's jurisdiction (both answer 404)."""

    status = 404


class NotAllowed(PortalError):
    """The caller may not do this: wrong role, their own work to approve, recused, no certificate."""

    status = 403


class Conflict(PortalError):
    """The record is not in a state that allows this (already done, changed since, taken)."""

    status = 409


class Invalid(PortalError):
    """What was sent breaks a rule the service checks (a reason missing, an amount out of range)."""

    status = 422

# Plain-words explanations; the status's own name comes from the HTTP standard.
ERROR_TEXTS = {
    400: (_l("The request could not be understood"),
          _l("Something in the request was malformed. Go back, check what you entered and try again.")),
    403: (_l("You do not have access to this page"),
          _l("This page is not available to you. If you think it should be, contact your administrator.")),
    404: (_l("Page not found"),
          _l("We could not find this page. It may have moved, or the address may be mistyped.")),
    405: (_l("This action is not allowed here"),
          _l("This address does not accept that kind of request. Go back and use the page's own buttons.")),
    409: (_l("This conflicts with what was done before"),
          _l("The record changed since you opened it, or this was already done. Reload and check.")),
    413: (_l("The upload is too large"),
          _l("What you sent is larger than we accept. Make the files smaller or send fewer at once, then try again.")),
    415: (_l("This kind of content is not accepted"),
          _l("Send the request as application/json.")),
    422: (_l("Some of what was sent is not valid"),
          _l("Check each field and send it again.")),
    429: (_l("Too many requests"),
          _l("You have made too many requests in a short time. Please wait a little and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("The problem has been recorded. Please try again later. "
             "What you had just entered was not saved, so please enter it again.")),
}
# Texts of a 503 that carries none of its own: a part the portal needs is not answering.
ERROR_TEXTS[503] = (_l("The service is briefly unavailable"),
                    _l("A part of the service is not answering. Nothing was saved. Please try again in a few "
                       "minutes."))
ERROR_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
               422: "unprocessable", 429: "rate_limited", 500: "server_error",
               503: "unavailable"}


_HTTP_EXCEPTIONS = {400: BadRequest, 403: Forbidden, 404: HTTPNotFound, 409: HTTPConflict,
                    422: UnprocessableEntity}


def wants_json() -> bool:
    """Requests under /api/ are answered in JSON."""
    return request.path.startswith("/api/")


def retry_after_seconds() -> int | None:
    """Seconds until the limit that was just exceeded lets the client in again."""
    from portal.extensions import limiter

    current = limiter.current_limit
    if current is None:
        return None
    return max(1, math.ceil(current.reset_at - time.time()))


def handle_http_error(error: HTTPException):
    """Render an HTTP error as JSON or as a page in the request's language."""
    code = error.code or 500
    # An exception may carry its own words (a commit that was not confirmed may have saved).
    title, explanation = getattr(error, "texts", None) or ERROR_TEXTS.get(code, (error.name, error.description))
    headers = {}
    if code == 429 and (seconds := retry_after_seconds()):
        headers["Retry-After"] = str(seconds)
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if wants_json():
        body = {"error": {"code": ERROR_CODES.get(code, "error"), "message": str(title)}}
        return jsonify(body), code, headers
    page = render_template("errors/error.html", code=code, title=title, explanation=explanation,
                           retry_after=headers.get("Retry-After"))
    return page, code, headers


def handle_portal_error(error: PortalError):
    """Answer a service refusal no view explained with the page or JSON of its status."""
    return handle_http_error(_HTTP_EXCEPTIONS.get(error.status, InternalServerError)())


class DatabaseUnavailable(ServiceUnavailable):
    """The database did not answer before anything was committed: nothing was saved."""


def handle_database_unavailable(error: OperationalError | InterfaceError):
    """The database is down or the connection broke: 503, logged without the statement or its values."""
    log.warning("database unavailable on %s %s (%s)", request.method, request.url_rule,
                type(getattr(error, "orig", None) or error).__name__)
    return handle_http_error(DatabaseUnavailable())


def handle_unexpected_error(error: Exception):
    """Log an unexpected exception and answer 500 without a traceback."""
    log.exception("unhandled error on %s %s", request.method, request.url_rule)
    return handle_http_error(InternalServerError())


def register_errorhandlers(app: Flask) -> None:
    """Attach the handlers for every HTTP error and for unexpected exceptions."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(PortalError, handle_portal_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected_error)
