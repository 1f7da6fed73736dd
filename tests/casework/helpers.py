"""Filing complaints in tests, through the service or through the public form."""
from __future__ import annotations

import datetime as dt
import re
import secrets

from portal.intake import filing
from portal.casework.models import Category
from portal.extensions import db

MARKER_NAME = "测试甲乙丙"
MARKER_PHONE = "13912345678"
MARKER_ID = "11010519491231002X"
MARKER_EMAIL = "marker.reporter@example.org"


def draft(**overrides) -> filing.Draft:
    values = dict(category=Category.UNLICENSED, region_code="330106",
                  description="周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
                  institution_name="小蜜蜂学习屋", institution_address="杭州市西湖区文三路100号",
                  occurred_on=dt.date(2026, 11, 1))
    values.update(overrides)
    return filing.Draft(**values)


def named_identity() -> filing.ReporterIdentity:
    return filing.ReporterIdentity(MARKER_NAME, MARKER_PHONE, MARKER_EMAIL, MARKER_ID)


def file(received_on: dt.date = dt.date(2026, 11, 22), **overrides) -> filing.Filed:
    filed = filing.file_complaint(draft(**overrides), secrets.token_urlsafe(32), received_on)
    db.session.flush()
    return filed


def hidden(page: str, name: str) -> str | None:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', page)
    return match.group(1) if match else None


def submit_form(client, url: str, **fields):
    """Open a page and post its form with the page's CSRF token, as a browser would."""
    token = hidden(client.get(url).get_data(as_text=True), "csrf_token")
    return client.post(url, data={"csrf_token": token, **fields})


def open_form(client, url: str = "/complaints/new") -> dict:
    """The hidden tokens of a form page: CSRF, and the one-time form token where there is one."""
    page = client.get(url).get_data(as_text=True)
    tokens = {"csrf_token": hidden(page, "csrf_token"), "form_token": hidden(page, "form_token")}
    return {key: value for key, value in tokens.items() if value is not None}


def form_fields(**overrides) -> dict:
    values = {"category": "unlicensed", "not_listed": "y", "institution_name": "小蜜蜂学习屋",
              "institution_address": "杭州市西湖区文三路100号", "region": "330106",
              "description": "周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
              "occurred_on": "2026-11-01", "identity": "anonymous"}
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def receipt_on(page: str) -> str:
    return re.search(r'class="receipt__code mono"[^>]*>([^<]+)<', page).group(1)


def case_number_on(page: str) -> str:
    return re.search(r"\d{6}-\d{8}-\d{4}", page).group(0)
