"""The partner API for the 12345 platform (/api/v1/hotline/…): every request signed (`signing`),
JSON in and out, errors as {"error": {"code", "message", "fields"}} like the rest of /api/v1."""
from __future__ import annotations

import json

from flask import Blueprint, Response, request

from portal.errors import PortalError
from portal.extensions import csrf
from portal.hotline import queries, service
from portal.hotline.orders import InvalidOrder
from portal.i18n import _, _l

bp = Blueprint("hotline_api", __name__, url_prefix="/api/v1/hotline")
csrf.exempt(bp)
MAX_BODY = 64 * 1024

MESSAGES = {
    "signature_refused": _l("The request is not signed, or not rightly, by an active partner."),
    "stale_request": _l("The request's timestamp is more than 5 minutes from our clock. Check the clock and sign "
                        "the request again."),
    "replayed": _l("This nonce was used before: the request is a replay. Sign each request with a new nonce."),
    "order_conflict": _l("This order number was sent before with different content. An order cannot be changed "
                         "this way; send a reminder or call the office."),
    "order_not_found": _l("You sent no work order with this number."),
    "invalid_fields": _l("Some fields are missing or not valid; `fields` says which."),
    "invalid_json": _l("The body is not a JSON object in UTF-8."),
    "too_large": _l("The body is larger than 64 KiB."),
}
PROBLEMS = {
    "unknown": _l("Unknown field."), "required": _l("This field is required."),
    "format": _l("Not in the documented format."), "range": _l("Not within the allowed dates."),
    "unknown_value": _l("Not one of the documented values."), "text": _l("Must be text."),
    "length": _l("Too short or too long."), "boolean": _l("Must be true or false."),
    "not_served": _l("Not a current county-level area code within the region you serve."),
    "required_unless_ongoing": _l("Give the day it happened, or set ongoing to true."),
}


class BodyRefused(PortalError):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


def _json(data: dict, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")), status=status,
                    mimetype="application/json")


@bp.errorhandler(PortalError)
def refused(error: PortalError) -> Response:
    """The refusal as JSON; an unsigned request is told how to sign (WWW-Authenticate)."""
    code = getattr(error, "code", None) or "refused"
    body: dict = {"code": code, "message": str(MESSAGES.get(code, _("The request was refused.")))}
    if isinstance(error, InvalidOrder):
        body["fields"] = {name: [str(PROBLEMS[problem])] for name, problem in sorted(error.fields.items())}
    response = _json({"error": body}, error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = "HOTLINE-HMAC-SHA256"
    return response


def _signed() -> tuple:
    """The signing partner and the request's JSON object (after the signature is checked)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise BodyRefused(413, "too_large")
    body = request.get_data(cache=True)
    if len(body) > MAX_BODY:
        raise BodyRefused(413, "too_large")
    partner = service.authenticate(request.method, request.path, request.headers, body)
    if request.method == "GET":
        return partner, {}
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BodyRefused(400, "invalid_json") from None
    if not isinstance(data, dict):
        raise BodyRefused(400, "invalid_json")
    return partner, data


@bp.post("/orders")
def receive_order():
    """File a work order as a case; the same order again answers 200 with the same case."""
    partner, data = _signed()
    received = service.receive(partner, data)
    return _json(queries.order_json(received.order, received.complaint), 201 if received.created else 200)


@bp.get("/orders/<order_number>")
def order(order_number: str):
    """Where one of the partner's orders stands now."""
    partner, _data = _signed()
    found = service.find(partner, order_number)
    return _json(queries.order_json(found, queries.complaint_of(found)))


@bp.post("/orders/<order_number>/urgings")
def urge(order_number: str):
    """The hotline's reminder (催办) on an order: on the case's timeline for its handlers."""
    partner, data = _signed()
    event = service.urge(partner, order_number, data)
    return _json({"order_number": order_number, "recorded_at": queries.moment(event.created_at)}, 201)
