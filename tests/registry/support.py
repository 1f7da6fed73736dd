"""Registry officers and registry files for the registry tests."""
from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.registry.importing import COLUMNS


def make_officer(app: Flask, client: FlaskClient) -> FlaskClient:
    """Give a signed-in client's account the registry officer permission (as an administrator would)."""
    with app.app_context():
        db.session.get(User, client.user_id).registry_officer = True
        db.session.commit()
    return client


def officer(app: Flask, signed_in, region: str = "330106", role: Role = Role.HANDLER, **options) -> FlaskClient:
    return make_officer(app, signed_in(role, region, **options))


def xlsx(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    """A workbook whose first sheet holds the template's header (or `header`) and the rows."""
    book = Workbook()
    sheet = book.active
    sheet.append(header or [names[0] for names in COLUMNS.values()])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(name: str, uscc: str = "", county: str = "330106", licence: str = "", until: str = "", **extra) -> list:
    """One row in the template's column order; `extra` by field name."""
    values = {"name": name, "uscc": uscc, "county": county, "address": "杭州市西湖区文二路8号", "kind": "艺术类",
              "licence_status": "有效" if licence else "无", "licence_number": licence,
              "licence_valid_until": until, **extra}
    return [values.get(field, "") for field in COLUMNS]
