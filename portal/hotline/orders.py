"""A work order's JSON read into what filing needs, with a message for each field that is wrong.

The fields (`docs/hotline-12345.md` and the OpenAPI document describe them): `order_number`
(1–64 of A–Z a–z 0–9 _ -), `received_on` (the day the hotline took the call: not in the future,
at most `OLDEST` days back), `region` (a county-level code inside the partner's region),
`category` (casework's categories), `description` (20–5,000 characters), `institution_name`,
`institution_address`, `occurred_on`, `ongoing`, and `caller` ({"name", "phone"}, or null for an
anonymous caller).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from portal.casework.models import Category, Source
from portal.errors import Invalid
from portal.hotline.models import Partner
from portal.intake import filing
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.text import clean_text

ORDER_NUMBER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{3,18}[0-9]$")
OLDEST = 366  # days: an order the hotline took longer ago than this is a data error
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 5000
FIELDS = {"order_number", "received_on", "region", "category", "description", "institution_name",
          "institution_address", "occurred_on", "ongoing", "caller"}
REQUIRED = ("order_number", "received_on", "region", "category", "description", "institution_name")
CATEGORIES = {c.value: c for c in Category}


class InvalidOrder(Invalid):
    """Fields missing, of the wrong type or not valid; `fields` names each with its problem."""

    code = "invalid_fields"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(sorted(fields))
        self.fields = fields


def _text(data: dict, name: str, errors: dict, high: int, low: int = 0) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = "text"
        return ""
    value = clean_text(value).strip()
    if len(value) > high or len(value) < low:
        errors[name] = "length"
    return value


def _day(data: dict, name: str, errors: dict) -> dt.date | None:
    value = data.get(name)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad(errors, name)
    except ValueError:
        return _bad(errors, name)


def _bad(errors: dict, name: str, problem: str = "format") -> None:
    errors[name] = problem
    return None


@dataclass(frozen=True)
class OrderDraft:
    order_number: str
    received_on: dt.date
    region_code: str
    category: Category
    description: str
    institution_name: str
    institution_address: str
    occurred_on: dt.date | None
    ongoing: bool
    caller: filing.ReporterIdentity | None

    @classmethod
    def read(cls, data: dict, partner: Partner, today: dt.date) -> OrderDraft:
        """The order, or InvalidOrder naming every field that is wrong."""
        errors = {name: "unknown" for name in set(data) - FIELDS}
        errors.update({name: "required" for name in REQUIRED if data.get(name) in (None, "")})
        number = data.get("order_number")
        if "order_number" not in errors and not (isinstance(number, str) and ORDER_NUMBER.match(number)):
            errors["order_number"] = "format"
        received = _day(data, "received_on", errors)
        if received and not today - dt.timedelta(days=OLDEST) <= received <= today:
            errors["received_on"] = "range"
        occurred = _day(data, "occurred_on", errors)
        if occurred and occurred > today:
            errors["occurred_on"] = "range"
        category = CATEGORIES.get(data.get("category")) if isinstance(data.get("category"), str) else None
        if category is None and "category" not in errors:
            errors["category"] = "unknown_value"
        region = cls._region(data.get("region"), partner, errors)
        texts = {"description": _text(data, "description", errors, DESCRIPTION_MAX, DESCRIPTION_MIN),
                 "institution_name": _text(data, "institution_name", errors, 200, 1),
                 "institution_address": _text(data, "institution_address", errors, 300)}
        ongoing = data.get("ongoing", False)
        if not isinstance(ongoing, bool):
            errors["ongoing"] = "boolean"
        if not ongoing and occurred is None and "occurred_on" not in errors:
            errors["occurred_on"] = "required_unless_ongoing"
        caller = cls._caller(data.get("caller"), errors)
        for name in REQUIRED:  # "required" says more than the checks that followed it
            if data.get(name) in (None, ""):
                errors[name] = "required"
        if errors:
            raise InvalidOrder(errors)
        return cls(number, received, region, category, texts["description"], texts["institution_name"],
                   texts["institution_address"], occurred, ongoing, caller)

    @staticmethod
    def _region(code: object, partner: Partner, errors: dict) -> str:
        try:
            region = regions.get(code) if isinstance(code, str) else None
        except regions.RegionNotFound:
            region = None
        served = regions.get(partner.region_code).scope_prefix
        if region is None or region.level is not RegionLevel.COUNTY or not region.current \
                or not region.code.startswith(served):
            errors["region"] = "not_served"
            return ""
        return region.code

    @staticmethod
    def _caller(caller: object, errors: dict) -> filing.ReporterIdentity | None:
        if caller is None:
            return None
        if not isinstance(caller, dict) or set(caller) - {"name", "phone"}:
            errors["caller"] = "format"
            return None
        name = _text(caller, "name", errors, 50, 1)
        phone = _text(caller, "phone", errors, 20, 1)
        if "phone" not in errors and not PHONE.match(phone):
            errors["phone"] = "format"
        for part in ("name", "phone"):
            if part in errors:
                errors[f"caller.{part}"] = errors.pop(part)
        return filing.ReporterIdentity(name, phone) if name and phone else None

    def filing_draft(self) -> filing.Draft:
        """The complaint as filing takes it, from the 12345 hotline."""
        return filing.Draft(category=self.category, region_code=self.region_code, description=self.description,
                            institution_name=self.institution_name, institution_address=self.institution_address,
                            occurred_on=self.occurred_on, ongoing=self.ongoing, identity=self.caller,
                            source=Source.HOTLINE_12345)
