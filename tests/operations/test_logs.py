"""Logs: JSON or text lines with time, level, pid and request id; one access line per request; and
nothing personal, even when the database fails while a complaint is filed and the traceback is logged."""
from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from portal import logs
from portal.config import ProductionConfig
from portal.extensions import db
from tests.support.complaints import form_fields
from tests.support.databases import is_postgresql
from tests.support.forms import open_form

DESCRIPTION = "日志标记甲乙丙丁 周末给小学生上数学课，没有任何证照，还要求预交一年学费。"
INSTITUTION = "日志标记机构名称"
ADDRESS = "日志标记路999号"
MARKERS = ("日志标记", "13912345678", "marker.reporter@example.org")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """What the root logger writes in JSON during the test."""
    stream = io.StringIO()
    handler = logs.make_handler(stream, "json")
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def failing_inserts(app: Flask) -> Iterator[Flask]:
    """The test database refuses every new complaint (a trigger; rolled back with the test)."""
    with app.app_context():
        if is_postgresql(app.config["SQLALCHEMY_DATABASE_URI"]):
            db.session.execute(text("CREATE FUNCTION drill_fail() RETURNS trigger LANGUAGE plpgsql AS "
                                    "$$ BEGIN RAISE EXCEPTION 'database failure drill'; END $$"))
            db.session.execute(text("CREATE TRIGGER drill BEFORE INSERT ON complaints "
                                    "FOR EACH ROW EXECUTE FUNCTION drill_fail()"))
        else:
            db.session.execute(text("CREATE TRIGGER drill BEFORE INSERT ON complaints "
                                    "BEGIN SELECT RAISE(ABORT, 'database failure drill'); END"))
        db.session.commit()
    yield app


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def test_a_database_failure_while_filing_leaks_nothing_into_the_logs(failing_inserts, client, captured):
    data = {**open_form(client), **form_fields(description=DESCRIPTION, institution_name=INSTITUTION,
                                               institution_address=ADDRESS, identity="named",
                                               name="测试甲乙丙", phone="13912345678",
                                               email="marker.reporter@example.org", notify_by="email")}
    response = client.post("/complaints/new", data=data, content_type="multipart/form-data",
                           headers={"X-Request-ID": "drill-request-0001"})
    assert response.status_code == 500
    written = captured.getvalue()
    records = lines(captured)
    errors = [r for r in records if r["level"] == "ERROR"]
    assert errors and "database failure drill" in errors[0]["exception"]  # the traceback was logged
    assert "[parameters: [scrubbed]" in errors[0]["exception"]
    assert not [marker for marker in MARKERS if marker in written]
    assert "127.0.0.1" not in written
    access = [r for r in records if r["logger"] == logs.ACCESS_LOGGER and r["method"] == "POST"]
    assert len(access) == 1
    assert access[0]["route"] == "/complaints/new" and access[0]["status"] == 500
    assert access[0]["request_id"] == "drill-request-0001" == errors[0]["request_id"]
    assert {"time", "level", "pid", "duration_ms"} <= set(access[0])
    assert response.headers["X-Request-ID"] == "drill-request-0001"


def test_one_access_line_per_request_with_the_route_pattern_only(client, captured):
    response = client.get("/complaints/new?institution=12345&lang=en")
    assert response.status_code == 200
    access = [r for r in lines(captured) if r["logger"] == logs.ACCESS_LOGGER]
    assert len(access) == 1 and access[0]["route"] == "/complaints/new" and access[0]["status"] == 200
    assert "12345" not in captured.getvalue()  # never the query
    assert len(response.headers["X-Request-ID"]) == 16  # one was made up for the request


def test_text_lines_carry_time_level_pid_and_request_id():
    record = logging.LogRecord("portal.test", logging.WARNING, __file__, 1, "mail: %d of %d sent", (1, 2), None)
    line = logs.TextFormatter().format(record)
    assert line.endswith(f"WARNING [{record.process}] - portal.test: mail: 1 of 2 sent")
    assert line[:4].isdigit() and "Z " in line


def test_database_messages_lose_their_values():
    message = ('duplicate key value violates unique constraint "uq"\nDETAIL:  Key (receipt_digest)=(abc) exists.')
    assert "abc" not in logs.scrub(message) and "DETAIL: [scrubbed]" in logs.scrub(message)
    try:
        int("13912345678x")
    except ValueError:
        assert "13912345678" not in logs.scrubbed_exception(sys.exc_info())


def test_production_hides_statement_parameters(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    assert ProductionConfig().SQLALCHEMY_ENGINE_OPTIONS["hide_parameters"] is True
