"""Reading the API's parameters and bodies strictly: the API says what is wrong instead of guessing."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from flask import Response, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from portal.api.blueprint import ApiError, json_response
from portal.i18n import _
from portal.pagination import Page
from portal.regions import service as regions
from portal.regions.models import Region
from portal.text import clean_text

MAX_BODY = 64 * 1024  # a complaint's text is at most 5,000 characters; JSON bodies stay small
MAX_PAGE = 100_000
MAX_QUERY = 100
REGION_CODE = re.compile(r"^\d{6}$")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def bad(name: str, message: str) -> ApiError:
    """The error for a malformed parameter."""
    return ApiError(400, "invalid_parameter", _("%(name)s: %(message)s", name=name, message=message))


def text_arg(name: str = "q") -> str:
    """A search text, cleaned; refused when longer than MAX_QUERY."""
    raw = request.args.get(name, "")
    if len(raw) > MAX_QUERY:
        raise bad(name, _("at most %(count)s characters.", count=MAX_QUERY))
    return clean_text(raw)


def page_arg() -> int:
    """The page number, 1 by default."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        raise bad("page", _("a whole number from 1 to %(max)s.", max=MAX_PAGE))
    return int(raw)


def region_arg(name: str = "region") -> Region | None:
    """The division a six-digit code names, or None when the parameter is absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not REGION_CODE.match(raw):
        raise bad(name, _("a six-digit area code (GB/T 2260), for example 330106."))
    try:
        return regions.get(raw)
    except regions.RegionNotFound:
        raise bad(name, _("no area has this code.")) from None


def enum_arg(name: str, enum_class):
    """The member of `enum_class` whose value the parameter is, or None when absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    values = {member.value: member for member in enum_class}
    if raw not in values:
        raise bad(name, _("one of %(values)s.", values=", ".join(values)))
    return values[raw]


def flag_arg(name: str) -> str | None:
    """"true", "false" or None (absent), as sent, so that page links can repeat it."""
    raw = request.args.get(name)
    if raw not in (None, "true", "false"):
        raise bad(name, _("true or false"))
    return raw


def date_arg(name: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None when absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        if not DATE.fullmatch(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise bad(name, _("a date as YYYY-MM-DD.")) from None


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
