"""Complaints in tests: filed through the service or the public form, tracked, and looked for in storage."""
from __future__ import annotations

import datetime as dt
import re
import secrets

from flask.testing import FlaskClient
from sqlalchemy import LargeBinary, String, Text, select
from werkzeug.test import TestResponse

from portal.casework.models import Category
from portal.extensions import db
from portal.intake import filing
from tests.support.forms import open_form

MARKER_NAME = "测试甲乙丙"
MARKER_PHONE = "13912345678"
MARKER_ID = "11010519491231002X"
MARKER_EMAIL = "marker.reporter@example.org"


def draft(**overrides) -> filing.Draft:
    """A complaint as a reporter describes it; any field may be overridden."""
    values = dict(category=Category.UNLICENSED, region_code="330106",
                  description="周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
                  institution_name="小蜜蜂学习屋", institution_address="杭州市西湖区文三路100号",
                  occurred_on=dt.date(2026, 11, 1))
    values.update(overrides)
    return filing.Draft(**values)


def named_identity() -> filing.ReporterIdentity:
    """A reporter who gives every detail, each a marker to look for."""
    return filing.ReporterIdentity(MARKER_NAME, MARKER_PHONE, MARKER_EMAIL, MARKER_ID)


def file(received_on: dt.date = dt.date(2026, 11, 22), **overrides) -> filing.Filed:
    """A complaint filed through the service (flushed, not committed)."""
    filed = filing.file_complaint(draft(**overrides), secrets.token_urlsafe(32), received_on)
    db.session.flush()
    return filed


def form_fields(**overrides) -> dict:
    """The public complaint form filled in; a None override leaves the field out."""
    values = {"category": "unlicensed", "not_listed": "y", "institution_name": "小蜜蜂学习屋",
              "institution_address": "杭州市西湖区文三路100号", "region": "330106",
              "description": "周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
              "occurred_on": "2026-11-01", "identity": "anonymous"}
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def receipt_on(page: str) -> str:
    """The receipt code shown on a confirmation page."""
    return re.search(r'class="receipt__code mono"[^>]*>([^<]+)<', page).group(1)


def case_number_on(page: str) -> str:
    """The first case number on a page."""
    return re.search(r"\d{6}-\d{8}-\d{4}", page).group(0)


def track(client: FlaskClient, receipt: str, lang: str = "zh_CN") -> TestResponse:
    """Look a case up with its receipt, as the reporter does on /track."""
    token = open_form(client, "/track")["csrf_token"]
    return client.post(f"/track?lang={lang}", data={"receipt": receipt, "csrf_token": token})


def all_stored_values(connection) -> list[bytes]:
    """Every text and binary value of every table, as bytes."""
    values = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, LargeBinary))]
        if not columns:
            continue
        for row in connection.execute(select(*columns)):
            for value in row:
                if value is not None:
                    values.append(value if isinstance(value, bytes) else str(value).encode())
    return values
