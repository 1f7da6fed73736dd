"""The open data API, version 1 (/api/v1): the public lists as JSON, and filing and following a
complaint without a browser. Every endpoint calls the services the pages call; the rules live
there, once. Errors are {"error": {"code", "message"}} in the request's language."""
from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from portal import clock
from portal.casework import lookup
from portal.api import openapi, serialize
from portal.blacklist import queries as blacklist
from portal.blacklist.models import BlacklistReason
from portal.intake import limits
from portal.intake import filing as intake
from portal.casework import timeline
from portal.intake import tracking
from portal.intake.complaint_form import ComplaintForm
from portal.casework.models import Category
from portal.disclosures import queries as disclosures
from portal.disclosures.models import PenaltyCategory
from portal.extensions import csrf, db
from portal.text import clean_text
from portal.i18n import _, _l
from portal.institutions import service as institutions
from portal.institutions.models import InstitutionKind
from portal.pagination import Page
from portal.regions import service as regions
from portal.security.headers import public_cache
from portal.clientkey import client_key
from portal.security.receipts import display

bp = Blueprint("api", __name__)
csrf.exempt(bp)

PREFIX = "/api/v1"
MAX_BODY = 64 * 1024  # a complaint's text is at most 5,000 characters; JSON bodies stay small
MAX_PAGE = 100_000
MAX_QUERY = 100
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{16,128}$")
REGION_CODE = re.compile(r"^\d{6}$")


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
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    return json_response({"error": body}, error.status)


# --- reading parameters strictly: the API says what is wrong instead of guessing ------------

def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", _("%(name)s: %(message)s", name=name, message=message))


def text_arg(name: str = "q") -> str:
    raw = request.args.get(name, "")
    if len(raw) > MAX_QUERY:
        raise _bad(name, _("at most %(count)s characters.", count=MAX_QUERY))
    return clean_text(raw)


def page_arg() -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        raise _bad("page", _("a whole number from 1 to %(max)s.", max=MAX_PAGE))
    return int(raw)


def region_arg(name: str = "region"):
    raw = request.args.get(name)
    if raw is None:
        return None
    if not REGION_CODE.match(raw):
        raise _bad(name, _("a six-digit area code (GB/T 2260), for example 330106."))
    try:
        return regions.get(raw)
    except regions.RegionNotFound:
        raise _bad(name, _("no area has this code.")) from None


def enum_arg(name: str, enum_class):
    raw = request.args.get(name)
    if raw is None:
        return None
    values = {member.value: member for member in enum_class}
    if raw not in values:
        raise _bad(name, _("one of %(values)s.", values=", ".join(values)))
    return values[raw]


def date_arg(name: str) -> dt.date | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise _bad(name, _("a date as YYYY-MM-DD.")) from None


def listing(page: Page, items: list[dict], endpoint: str, **args: Any) -> Response:
    """A page of results with links to the neighbouring pages (relative, with the same filters)."""
    kept = {key: value for key, value in args.items() if value not in (None, "")}

    def link(number: int) -> str:
        return url_for(endpoint, **kept, page=number)

    return json_response({
        "items": items, "page": page.number, "page_size": page.size, "total": page.total,
        "more": getattr(page, "more", False), "pages": page.pages,
        "next": link(page.number + 1) if page.has_next else None,
        "previous": link(page.number - 1) if page.has_previous else None,
    })


# --- reading JSON bodies ---------------------------------------------------------------------

def json_body() -> dict:
    """The request's JSON object. Form-encoded bodies are refused: this API takes JSON only."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise RequestEntityTooLarge()
    raw = request.stream.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise RequestEntityTooLarge()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "invalid_json", _("The body is not valid JSON in UTF-8.")) from None
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_body", _("The body must be a JSON object."))
    return data


# --- lists ----------------------------------------------------------------------------------

@bp.get(f"{PREFIX}/regions")
@public_cache(3600)
def list_regions():
    """Administrative divisions: a search, the children of one, or the provinces."""
    q = text_arg()
    parent = region_arg("parent")
    if q:
        rows = regions.search(q, limit=20)
    else:
        rows = regions.children(parent.code if parent else None)
    return json_response({"items": [serialize.region(row) for row in rows]})


@bp.get(f"{PREFIX}/institutions")
@public_cache(300)
def list_institutions():
    """The registry: search by name fragment or USCC, filtered by area and kind."""
    q, region, kind, number = text_arg(), region_arg(), enum_arg("kind", InstitutionKind), page_arg()
    whitelisted = request.args.get("whitelisted")
    if whitelisted not in (None, "true", "false"):
        raise _bad("whitelisted", _("true or false"))
    query = institutions.InstitutionQuery(q, region.scope_prefix if region else None, kind, whitelisted == "true")
    page = institutions.search(query, number, current_app.config["PAGE_SIZE"])
    return listing(page, [serialize.institution(row) for row in page.items], "api.list_institutions",
                   q=q, region=region.code if region else None, kind=kind.value if kind else None,
                   whitelisted=whitelisted)


@bp.get(f"{PREFIX}/institutions/<int:institution_id>")
@public_cache(300)
def get_institution(institution_id: int):
    try:
        row = institutions.get(institution_id)
    except institutions.InstitutionNotFound:
        raise ApiError(404, "not_found", _("No institution has this id.")) from None
    return json_response(serialize.institution(row))


@bp.get(f"{PREFIX}/blacklist")
@public_cache(300)
def list_blacklist():
    """The blacklist, as on /blacklist: listed entries, and removed ones with removed=true."""
    q, region, reason, number = text_arg(), region_arg(), enum_arg("reason", BlacklistReason), page_arg()
    removed = request.args.get("removed")
    if removed not in (None, "true", "false"):
        raise _bad("removed", _("true or false"))
    query = blacklist.BlacklistQuery(q, region.scope_prefix if region else None, reason, removed == "true")
    page = blacklist.search(query, number, current_app.config["PAGE_SIZE"])
    return listing(page, [serialize.blacklist_entry(row) for row in page.items], "api.list_blacklist",
                   q=q, region=region.code if region else None, reason=reason.value if reason else None,
                   removed=removed)


@bp.get(f"{PREFIX}/blacklist/<int:entry_id>")
@public_cache(300)
def get_blacklist_entry(entry_id: int):
    try:
        row = blacklist.get_public(entry_id)
    except blacklist.EntryNotFound:
        raise ApiError(404, "not_found", _("No blacklist entry has this id.")) from None
    return json_response(serialize.blacklist_entry(row, blacklist.public_history(row),
                                                   blacklist.linked_disclosures(row, clock.today())))


@bp.get(f"{PREFIX}/disclosures")
@public_cache(300)
def list_disclosures():
    """Penalty decisions within their publication period, as on /disclosures."""
    q, region, number = text_arg(), region_arg(), page_arg()
    violation, penalty = enum_arg("violation", Category), enum_arg("penalty", PenaltyCategory)
    decided_from, decided_to = date_arg("decided_from"), date_arg("decided_to")
    if decided_from and decided_to and decided_to < decided_from:
        raise _bad("decided_to", _("This date is before the first one."))
    query = disclosures.DisclosureQuery(q, region.scope_prefix if region else None, violation, penalty,
                                        decided_from, decided_to)
    page = disclosures.search(query, number, current_app.config["PAGE_SIZE"], clock.today())
    return listing(page, [serialize.disclosure(row) for row in page.items], "api.list_disclosures",
                   q=q, region=region.code if region else None, violation=violation.value if violation else None,
                   penalty=penalty.value if penalty else None,
                   decided_from=decided_from.isoformat() if decided_from else None,
                   decided_to=decided_to.isoformat() if decided_to else None)


@bp.get(f"{PREFIX}/disclosures/<int:disclosure_id>")
@public_cache(300)
def get_disclosure(disclosure_id: int):
    try:
        row = disclosures.get_public(disclosure_id, clock.today())
    except disclosures.DisclosureNotFound:
        raise ApiError(404, "not_found", _("No published penalty decision has this id.")) from None
    return json_response(serialize.disclosure(row))


# --- complaints -----------------------------------------------------------------------------

# JSON field → (expected type, the form field it fills). Types are checked before the form's
# own rules run, so a number where text belongs is reported as such.
COMPLAINT_FIELDS: dict[str, tuple[tuple[type, ...], str]] = {
    "category": ((str,), "category"),
    "institution_id": ((int, type(None)), "institution_id"),
    "institution_name": ((str,), "institution_name"),
    "institution_address": ((str,), "institution_address"),
    "region": ((str,), "region"),
    "description": ((str,), "description"),
    "occurred_on": ((str, type(None)), "occurred_on"),
    "ongoing": ((bool,), "ongoing"),
    "identity": ((str,), "identity"),
    "name": ((str,), "name"),
    "phone": ((str,), "phone"),
    "email": ((str,), "email"),
    "id_number": ((str,), "id_number"),
    "notify": ((bool,), "notify"),
}
REQUIRED = ("category", "description", "identity")
# Form fields whose messages belong to a different JSON field.
FORM_TO_JSON = {"institution_query": "institution_id", "not_listed": "institution_id"}
TYPE_NAMES = {str: _l("text"), int: _l("a whole number"), bool: _l("true or false")}


def _form_data(data: dict) -> MultiDict:
    """The JSON object as the complaint form would have received it from a browser."""
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if name not in COMPLAINT_FIELDS:
            errors[name] = [_("Unknown field.")]
            continue
        types, _field = COMPLAINT_FIELDS[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            errors[name] = [_("Must be %(type)s.", type=TYPE_NAMES[types[0]])]
    for name in REQUIRED:
        if name not in data and name not in errors:
            errors[name] = [_("This field is required.")]
    if errors:
        raise ApiError(422, "invalid_fields", _("Some fields are missing or have the wrong type."), errors)
    form: dict[str, str] = {}
    for name, value in data.items():
        if value is None or value is False:
            continue
        form[COMPLAINT_FIELDS[name][1]] = "y" if value is True else str(value)
    if data.get("institution_id") is None:
        form["not_listed"] = "y"
    return MultiDict(form)


def _idempotency_token() -> str:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return secrets.token_urlsafe(32)  # no key: every request is a new complaint
    if not IDEMPOTENCY_KEY.match(key):
        raise ApiError(400, "invalid_idempotency_key",
                       _("Idempotency-Key must be 16 to 128 visible ASCII characters, for example a UUID."))
    # Keys are chosen by clients: one client's key means nothing for another's request, so a
    # guessed or reused key can neither fetch someone else's receipt nor block their complaint.
    return f"api:{client_key()}:{key}"


@bp.post(f"{PREFIX}/complaints")
@limits.complaint_posts
@limits.complaints_filed
def file_complaint():
    """File a complaint from JSON, with the form's rules; answers with the case number and the
    receipt code, once. A retry with the same Idempotency-Key and body gets the same answer."""
    data = json_body()
    token = _idempotency_token()
    form = ComplaintForm(formdata=_form_data(data), meta={"csrf": False})
    form.form_token.data = token
    if not form.validate():
        fields: dict[str, list[str]] = {}
        for name, messages in form.errors.items():
            fields.setdefault(FORM_TO_JSON.get(name, name), []).extend(str(message) for message in messages)
        raise ApiError(422, "invalid_fields", _("Some fields are not valid. Each message says what to change."),
                       fields)
    draft = form.draft([])
    existing = intake.find_by_form_token(token)
    if existing is not None and existing.form_digest != intake.form_digest(draft):
        raise ApiError(422, "idempotency_key_reused",
                       _("This Idempotency-Key was used for a different complaint. Use a new key for a new "
                         "complaint."))
    try:
        filed = intake.file_complaint(draft, token, clock.today(), clock.now(), same_session=True)
    except intake.FormAlreadyUsed:
        db.session.commit()
        raise ApiError(409, "already_filed",
                       _("This complaint was filed with this Idempotency-Key more than 15 minutes ago; its "
                         "receipt code was given then and cannot be shown again.")) from None
    db.session.commit()
    g.filed_new = not filed.replayed
    complaint = filed.complaint
    body = {"case_number": complaint.case_number, "receipt": display(filed.receipt),
            "status": serialize.labelled(complaint.status), "received_on": serialize.day(complaint.received_on),
            "acceptance_due": serialize.day(complaint.acceptance_due),
            "track": url_for("api.complaint_status")}
    headers = {"Idempotent-Replayed": "true"} if filed.replayed else None
    return json_response(body, 201, headers)


@bp.post(f"{PREFIX}/complaints/status")
@limits.receipt_lookups
def complaint_status():
    """Status, public timeline and written reply of the case a receipt belongs to."""
    data = json_body()
    unknown = sorted(set(data) - {"receipt"})
    if unknown:
        raise ApiError(422, "invalid_fields", _("Some fields are missing or have the wrong type."),
                       {name: [_("Unknown field.")] for name in unknown})
    receipt = data.get("receipt")
    if not isinstance(receipt, str) or not receipt.strip():
        raise ApiError(422, "invalid_fields", _("Some fields are missing or have the wrong type."),
                       {"receipt": [_("Enter the receipt code from your receipt.")]})
    try:
        complaint = lookup.find_by_receipt(receipt[:64])
    except lookup.ReceiptNotFound:
        raise ApiError(404, "not_found", _("We could not find a case with this receipt code. Check the code "
                                           "and try again.")) from None
    return json_response(serialize.complaint_status(
        complaint, timeline.public_timeline(complaint), timeline.written_reply(complaint),
        tracking.next_step(complaint)))


# --- the description ------------------------------------------------------------------------

@bp.get(f"{PREFIX}/openapi.json")
@public_cache(3600)
def openapi_document():
    return json_response(openapi.document())


@bp.get("/api")
@public_cache(3600)
def guide():
    """A readable page about the API, with curl examples that work as written."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return render_template("api/index.html", base=base, examples=openapi.curl_examples(base))
