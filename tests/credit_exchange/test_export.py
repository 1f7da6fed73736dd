"""The export for the credit platforms: checked against the column specification kept in
docs/credit-exchange.md; publications, withdrawals and repairs as records of their own; amounts in
万元; filtered by days and kind; jurisdiction-scoped; the filter validated on the server."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from portal import clock
from portal.accounts.models import Role
from portal.credit_exchange import layout, service
from portal.credit_repair import service as repair
from portal.disclosures import service as disclosures
from portal.disclosures.models import Circumstance, PartyType
from portal.disclosures.models import PenaltyCategory as P
from portal.extensions import db
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.days import local_today
from tests.support.disclosures import draft_disclosure

SPEC = Path(__file__).resolve().parents[2] / "docs" / "credit-exchange.md"


def specification() -> list[tuple[str, re.Pattern]]:
    """The columns as the document lists them: (header, pattern of a cell)."""
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| [^\n]*\| `([^`]*)` \|$", SPEC.read_text(encoding="utf-8"), re.M)
    assert [int(number) for number, _, _ in rows] == list(range(1, len(rows) + 1))
    return [(header.strip(), re.compile(pattern)) for _, header, pattern in rows]


def check_against_spec(header: list[str], rows: list[list[str]]) -> None:
    spec = specification()
    assert header == [name for name, _ in spec]
    for row in rows:
        assert len(row) == len(spec)
        for cell, (name, pattern) in zip(row, spec):
            assert pattern.fullmatch(cell), (name, cell)


@pytest.fixture
def people(ctx):
    return {"handler": user("x.handler", Role.HANDLER), "reviewer": user("x.reviewer", Role.REVIEWER, "330100"),
            "far": user("x.far", Role.HANDLER, "630100")}


def publish(people, **overrides):
    disclosure = draft_disclosure(people["handler"], **overrides)
    disclosures.submit(disclosure, people["handler"])
    disclosures.review(disclosure, people["reviewer"], True)
    return disclosure


@pytest.fixture
def records(people):
    """Three decisions: one published, one withdrawn, one a natural person's ended early by repair."""
    today = clock.today()
    plain = publish(people, decision_number="杭西教罚〔2026〕801号", fine_amount=Decimal("1234.56"))
    withdrawn = publish(people, decision_number="杭西教罚〔2026〕802号")
    disclosures.withdraw(withdrawn, people["handler"], "复议决定撤销原处罚", revoked_on=today)
    person = publish(people, decision_number="杭西教罚〔2026〕803号", party_type=PartyType.NATURAL_PERSON,
                     party_name="张三丰", uscc=None, circumstance=Circumstance.GENERAL, penalties=[P.WARNING],
                     fine_amount=None, months=6, decision_date=today - dt.timedelta(days=100))
    repair.record_repair(person, people["handler"], today, True, "已履行", performed=True, effects_removed=True)
    db.session.flush()
    return plain, withdrawn, person


def test_an_export_matches_the_column_specification(people, records):
    today = clock.today()
    found = service.records(people["handler"], today, today)
    ours = {"杭西教罚〔2026〕801号", "杭西教罚〔2026〕802号", "杭西教罚〔2026〕803号"}
    kinds = sorted((r.disclosure.decision_number, r.kind) for r in found if r.disclosure.decision_number in ours)
    assert kinds == [("杭西教罚〔2026〕801号", "publication"), ("杭西教罚〔2026〕802号", "publication"),
                     ("杭西教罚〔2026〕802号", "withdrawal"), ("杭西教罚〔2026〕803号", "publication"),
                     ("杭西教罚〔2026〕803号", "repair")]
    text = service.as_csv(found)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    check_against_spec(table[0], table[1:])
    book = load_workbook(io.BytesIO(service.as_xlsx(found)))
    sheet = book["行政处罚"]
    values = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    check_against_spec(values[0], values[1:])
    assert values[1:] == table[1:]  # the same cells in both formats


def test_cells_amounts_codes_and_masking(people, records):
    today = clock.today()
    rows = {(r.disclosure.decision_number, r.kind): r.cells() for r in service.records(people["handler"], today,
                                                                                       today)}
    plain = rows[("杭西教罚〔2026〕801号", "publication")]
    assert plain["fine"] == "0.123456" and plain["confiscated"] == ""
    assert plain["party_type"] == "1" and plain["record_kind"] == "1" and plain["penalties"] == "警告;罚款"
    assert plain["violation"] == "隐形变异培训"
    withdrawal = rows[("杭西教罚〔2026〕802号", "withdrawal")]
    assert withdrawal["record_kind"] == "2" and withdrawal["record_reason"] == "复议决定撤销原处罚"
    assert rows[("杭西教罚〔2026〕802号", "publication")]["fine"] == "3.000000"
    repaired = rows[("杭西教罚〔2026〕803号", "repair")]
    assert repaired["record_kind"] == "3" and repaired["publication_end"] == today.isoformat()
    assert repaired["party_name"] == "张**" and repaired["party_type"] == "2" and repaired["uscc"] == ""
    assert rows[("杭西教罚〔2026〕803号", "publication")]["publication_end"] != today.isoformat()


def test_a_lifelong_ban_has_no_end(people):
    today = clock.today()
    publish(people, decision_number="杭西教罚〔2026〕804号", penalties=[P.OCCUPATIONAL_BAN], fine_amount=None,
            lifelong=True, valid_until=None, circumstance=Circumstance.ESPECIALLY_SERIOUS, months=36,
            outside_range_reason="终身禁止从事校外培训", collective_discussion=True)
    cells = next(r.cells() for r in service.records(people["handler"], today, today, ("publication",))
                 if r.disclosure.decision_number == "杭西教罚〔2026〕804号")
    assert cells["publication_end"] == "2099-12-31" and cells["valid_until"] == "2099-12-31"


def test_filters_by_days_kind_and_jurisdiction(people, records):
    today = clock.today()
    assert [r.kind for r in service.records(people["handler"], today, today, ("withdrawal",))] == ["withdrawal"]
    assert {r.kind for r in service.records(people["handler"], today, today, ("repair",))} == {"repair"}
    yesterday = today - dt.timedelta(days=1)
    assert service.records(people["handler"], yesterday - dt.timedelta(days=30), yesterday) == []
    assert service.records(people["far"], today, today) == []


def test_the_page_validates_on_the_server_and_downloads_both_formats(app):
    client = signed_in_client(app, "x.page", Role.HANDLER, "330106", certificate="浙杭执字8901", lang="en")
    page = client.get("/staff/credit-exchange")
    assert page.status_code == 200 and "Export for the credit platforms" in page.get_data(as_text=True)
    bad = client.get("/staff/credit-exchange?date_from=2026-13-01&date_to=&status=all&file_format=csv")
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Enter the date as year-month-day" in body and "Enter the last day." in body
    assert 'value="2026-13-01"' in body  # the input kept
    wide = client.get("/staff/credit-exchange?date_from=2025-01-01&date_to=2026-06-30&status=all&file_format=csv")
    assert wide.status_code == 422 and "at most 366 days" in wide.get_data(as_text=True)
    odd = client.get("/staff/credit-exchange?date_from=2026-01-01&date_to=2026-01-31&status=bogus&file_format=pdf")
    assert odd.status_code == 422
    today = local_today().isoformat()
    good = client.get(f"/staff/credit-exchange?date_from={today}&date_to={today}&status=all&file_format=csv")
    assert good.status_code == 200 and good.mimetype == "text/csv"
    assert good.get_data(as_text=True).lstrip("\ufeff").startswith(",".join(layout.HEADER[:3]))
    xlsx = client.get(f"/staff/credit-exchange?date_from={today}&date_to={today}&status=repair&file_format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    supervisor_page = app.test_client().get("/staff/credit-exchange")
    assert supervisor_page.status_code in (302, 401, 403)
