"""The partner API: signed requests only, replays refused, orders idempotent by number, reminders recorded."""
from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import select

from portal import clock
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Source
from portal.extensions import db
from portal.security.audit import for_object
from tests.support.hotline import order

ORDERS = "/api/v1/hotline/orders"


def _today(app) -> str:
    with app.app_context():
        return clock.today().isoformat()


def _case(app, case_number: str) -> Complaint:
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.case_number == case_number))
        db.session.expunge(complaint)
        return complaint


def test_an_order_becomes_a_case_from_12345_counted_from_the_hotlines_day(app, client, hotline_platform):
    received = (dt.date.fromisoformat(_today(app)) - dt.timedelta(days=3)).isoformat()
    response = hotline_platform.send(client, "POST", ORDERS, order("HZ-0001", received))
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["order_number"] == "HZ-0001" and answer["status"] == {"code": "registered", "label": "已登记"}
    assert answer["received_on"] == received and answer["return_by"] > received
    complaint = _case(app, answer["case_number"])
    assert complaint.source is Source.HOTLINE_12345 and complaint.received_on.isoformat() == received
    # 15 calendar days from the hotline's day (moved off a day off), not from today
    assert dt.date.fromisoformat(received) + dt.timedelta(days=15) <= complaint.acceptance_due \
        <= dt.date.fromisoformat(received) + dt.timedelta(days=20)
    assert not complaint.anonymous and complaint.reporter_sealed and b"13912345678" not in complaint.reporter_sealed
    with app.app_context():
        assert [r.action for r in for_object("complaint", complaint.id)][:2] == ["complaint.registered",
                                                                                 "hotline.order_received"]


def test_the_same_order_twice_is_the_same_case_and_another_body_is_a_conflict(app, client, hotline_platform):
    body = order("HZ-0002", _today(app))
    first = hotline_platform.send(client, "POST", ORDERS, body)
    again = hotline_platform.send(client, "POST", ORDERS, dict(reversed(list(body.items()))))  # new nonce, same order
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["case_number"] == first.get_json()["case_number"]
    changed = hotline_platform.send(client, "POST", ORDERS, {**body, "description": body["description"] + "又及。"})
    assert changed.status_code == 409 and changed.get_json()["error"]["code"] == "order_conflict"
    with app.app_context():
        assert db.session.scalar(select(Complaint).where(
            Complaint.case_number == first.get_json()["case_number"])).description == body["description"]


def test_a_replayed_request_is_refused_even_with_a_valid_signature(app, client, hotline_platform):
    body = order("HZ-0003", _today(app))
    raw = __import__("json").dumps(body, ensure_ascii=False).encode()
    headers = hotline_platform.signed_headers("POST", ORDERS, raw)
    first = client.post(ORDERS, data=raw, headers=headers, content_type="application/json")
    replay = client.post(ORDERS, data=raw, headers=headers, content_type="application/json")
    assert first.status_code == 201
    assert replay.status_code == 409 and replay.get_json()["error"]["code"] == "replayed"


def test_bad_signatures_stale_timestamps_and_unknown_clients_are_refused(app, client, hotline_platform):
    body = order("HZ-0004", _today(app))
    wrong = hotline_platform.send(client, "POST", ORDERS, body, secret="not-the-secret")
    stale = hotline_platform.send(client, "POST", ORDERS, body, timestamp=int(time.time()) - 3600)
    unsigned = client.post(ORDERS, json=body)
    other_path = hotline_platform.send(client, "POST", ORDERS, body)  # signed for the path it goes to: accepted
    assert [r.status_code for r in (wrong, stale, unsigned)] == [401, 401, 401]
    assert wrong.get_json()["error"]["code"] == "signature_refused" and unsigned.headers["WWW-Authenticate"]
    assert stale.get_json()["error"]["code"] == "stale_request"
    assert other_path.status_code == 201
    hotline_platform.client_id = "hl_nobody"
    assert hotline_platform.send(client, "POST", ORDERS, order("HZ-0005", _today(app))).status_code == 401


def test_a_tampered_body_fails_the_signature(app, client, hotline_platform):
    body = order("HZ-0006", _today(app))
    raw = __import__("json").dumps(body, ensure_ascii=False).encode()
    headers = hotline_platform.signed_headers("POST", ORDERS, raw)
    tampered = raw.replace("小蜜蜂".encode(), "大蜜蜂".encode())
    assert client.post(ORDERS, data=tampered, headers=headers, content_type="application/json").status_code == 401


def test_a_stopped_partner_is_refused(app, client, hotline_platform, runner):
    result = runner.invoke(args=["hotline", "stop", hotline_platform.client_id, "--reason", "合同到期"])
    assert result.exit_code == 0, result.output
    assert hotline_platform.send(client, "POST", ORDERS, order("HZ-0007", _today(app))).status_code == 401


def test_invalid_fields_are_named_and_nothing_is_filed(app, client, hotline_platform):
    before = _count(app)
    response = hotline_platform.send(client, "POST", ORDERS, order(
        "HZ 0008", "2999-01-01", region="110101", category="nonsense", description="太短", extra=1,
        caller={"name": "", "phone": "abc"}))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"order_number", "received_on", "region", "category", "description", "extra",
                           "caller.name", "caller.phone", "occurred_on"}
    assert _count(app) == before


def test_an_order_outside_the_partners_region_is_refused(app, client, hotline_platform):
    response = hotline_platform.send(client, "POST", ORDERS, order("HZ-0009", _today(app), region="330206"))
    assert response.status_code == 422 and list(response.get_json()["error"]["fields"]) == ["region"]


def _count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Complaint.id)).all())


def test_a_reminder_goes_on_the_timeline_the_case_page_and_the_inbox(app, client, hotline_platform, signed_in):
    from portal.accounts.models import Role

    filed = hotline_platform.send(client, "POST", ORDERS, order("HZ-0010", _today(app))).get_json()
    path = f"{ORDERS}/HZ-0010/urgings"
    urged = hotline_platform.send(client, "POST", path, {"message": "来电人再次来电催促，请尽快处理。"})
    assert urged.status_code == 201
    assert hotline_platform.send(client, "POST", f"{ORDERS}/HZ-9999/urgings", {"message": "催"}).status_code == 404
    assert hotline_platform.send(client, "POST", path, {"message": ""}).status_code == 422
    complaint = _case(app, filed["case_number"])
    with app.app_context():
        event = db.session.scalar(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id,
                                                               ComplaintEvent.kind == EventKind.HOTLINE_URGED))
        assert not event.public and "催促" in event.body
    handler = signed_in(Role.HANDLER, "330106")
    page = handler.get(f"/staff/cases/{complaint.id}").get_data(as_text=True)
    assert "12345 工单" in page and "HZ-0010" in page and "来电人再次来电催促" in page
    inbox = handler.get(f"/staff/cases?q={filed['case_number']}").get_data(as_text=True)
    assert "12345 催办" in inbox


def test_the_partner_reads_where_its_order_stands_and_no_other(app, client, hotline_platform):
    filed = hotline_platform.send(client, "POST", ORDERS, order("HZ-0011", _today(app))).get_json()
    state = hotline_platform.send(client, "GET", f"{ORDERS}/HZ-0011")
    assert state.status_code == 200 and state.get_json() == filed
    assert hotline_platform.send(client, "GET", f"{ORDERS}/HZ-0012").status_code == 404
