"""The test platform plays the hotline end to end: an order arrives, the office handles it (accepts,
replies) and the platform receives the signed status and reply callbacks; a misrouted order is
returned within the limit, and the return is refused after it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.notifications import outbox
from portal.notifications.models import Message, State
from tests.support.forms import hidden
from tests.support.hotline import order
from tests.support.notices import issue_reply

ORDERS = "/api/v1/hotline/orders"
REPLY = "经查，该机构无证经营属实，已责令停止招生并依法处理。"


def _received(app, days_ago: int = 0) -> str:
    with app.app_context():
        return (clock.today() - dt.timedelta(days=days_ago)).isoformat()


def _file(app, client, platform, number: str, days_ago: int = 0) -> int:
    answer = platform.send(client, "POST", ORDERS, order(number, _received(app, days_ago)))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return platform.send(client, "GET", f"{ORDERS}/{number}").get_json()["case_number"], answer


def _case_id(app, case_number: str) -> int:
    from portal.casework.models import Complaint

    with app.app_context():
        return db.session.scalar(select(Complaint.id).where(Complaint.case_number == case_number))


def _step(handler, complaint_id: int, name: str, text: str = ""):
    page = handler.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    data = {"csrf_token": hidden(page, "csrf_token")}
    if text:
        data[f"{name}-text"] = text
    return handler.post(f"/staff/cases/{complaint_id}/steps/{name}", data=data)


def _keys(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Message.key).where(Message.channel == "callback")))


def test_an_order_is_handled_and_the_hotline_receives_the_signed_status_and_reply(app, client, hotline_platform,
                                                                                   signed_in):
    case_number, _answer = _file(app, client, hotline_platform, "HZ-1001")
    complaint_id = _case_id(app, case_number)
    handler = signed_in(Role.HANDLER, "330106")
    assert _step(handler, complaint_id, "accept").status_code == 302
    replied = issue_reply(handler, complaint_id, "conclude", REPLY)
    assert replied.status_code == 302, replied.get_data(as_text=True)[:500]

    events = hotline_platform.events("HZ-1001")
    assert [(e["event"], e.get("status", {}).get("code")) for e in events] == [
        ("status", "accepted"), ("status", "concluded"), ("reply", None)]
    assert events[0]["status"]["label"] == "已受理" and events[0]["case_number"] == case_number
    assert events[2]["reply"] == REPLY and events[2]["at"].endswith("+08:00")
    assert all(c.verified for c in hotline_platform.received)
    # each callback carried its outbox message's key, the same on every attempt
    assert {c.headers["Idempotency-Key"] for c in hotline_platform.received} <= _keys(app)
    assert len({c.headers["Idempotency-Key"] for c in hotline_platform.received}) == 3


def test_a_misrouted_order_is_returned_within_the_limit_with_its_objection(app, client, hotline_platform, signed_in):
    case_number, _answer = _file(app, client, hotline_platform, "HZ-1002")
    complaint_id = _case_id(app, case_number)
    handler = signed_in(Role.HANDLER, "330106")
    page = handler.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    assert "退回" in page and "12345 工单" in page
    returned = _step(handler, complaint_id, "return", "该机构位于上城区，不属本局管辖，请转上城区教育局。")
    assert returned.status_code == 302
    [event] = hotline_platform.events("HZ-1002")
    assert event["status"]["code"] == "returned" and event["reason"].startswith("该机构位于上城区")
    state = hotline_platform.send(client, "GET", f"{ORDERS}/HZ-1002").get_json()
    assert state["status"]["code"] == "returned"


def test_after_the_limit_the_return_is_refused_with_the_day_it_ended(app, client, hotline_platform, signed_in):
    case_number, answer = _file(app, client, hotline_platform, "HZ-1003", days_ago=30)
    complaint_id = _case_id(app, case_number)
    handler = signed_in(Role.HANDLER, "330106")
    refused = _step(handler, complaint_id, "return", "不属本局管辖。")
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "已不能退回" in text and "第二十三条" in text
    assert hotline_platform.events("HZ-1003") == []
    assert answer.get_json()["return_by"] < _received(app)


def test_a_callback_the_hotline_cannot_take_now_is_tried_again_and_a_refused_one_gives_up(
        app, client, hotline_platform, signed_in):
    case_number, _answer = _file(app, client, hotline_platform, "HZ-1004")
    complaint_id = _case_id(app, case_number)
    handler = signed_in(Role.HANDLER, "330106")
    hotline_platform.answers = [503]
    _step(handler, complaint_id, "accept")
    with app.app_context():
        message = db.session.scalar(select(Message).where(Message.channel == "callback").order_by(Message.id.desc()))
        assert message.state is State.PENDING and message.attempts == 1
        message.next_attempt_at = clock.now()
        db.session.commit()
        assert outbox.deliver_due(db.session, keys=[message.key]) == (1, 0)
    first, second = hotline_platform.received[-2:]
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]  # the same message, tried again
    assert hotline_platform.events("HZ-1004")[-1]["status"]["code"] == "accepted"

    hotline_platform.answers = [400]
    _step(handler, complaint_id, "start")
    with app.app_context():
        message = db.session.scalar(select(Message).where(Message.channel == "callback").order_by(Message.id.desc()))
        assert message.state is State.FAILED and message.last_error == "HTTP 400"


def test_the_follow_up_result_reaches_the_hotline_and_other_cases_send_nothing(app, client, hotline_platform):
    from types import SimpleNamespace

    from portal.casework.models import Complaint, Rating
    from portal.hotline.service import notify_followup
    from tests.support.complaints import file

    case_number, _answer = _file(app, client, hotline_platform, "HZ-1005")
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.case_number == case_number))
        key = notify_followup(complaint, SimpleNamespace(reached=True, rating=Rating.UNSATISFIED,
                                                         comments="来电人对答复不满意"))
        assert key and notify_followup(file().complaint, SimpleNamespace(reached=False)) is None
        db.session.commit()
    [event] = hotline_platform.events("HZ-1005")
    assert event["event"] == "followup" and event["reached"] is True
    assert event["rating"] == {"code": "unsatisfied", "label": "不满意"} and event["comments"] == "来电人对答复不满意"


def test_a_follow_up_call_recorded_by_staff_is_sent_to_the_hotline(app, client, hotline_platform, signed_in):
    from portal.casework.models import Complaint, Rating
    from portal.followups import service as followups
    from tests.support.accounts import staff_user

    case_number, _answer = _file(app, client, hotline_platform, "HZ-1006")
    complaint_id = _case_id(app, case_number)
    handler = signed_in(Role.HANDLER, "330106")
    _step(handler, complaint_id, "accept")
    assert issue_reply(handler, complaint_id, "conclude", REPLY).status_code == 302
    with app.app_context():
        caller = staff_user("hl.caller", Role.HANDLER, "330106", "浙杭执字0702")
        complaint = db.session.get(Complaint, complaint_id)
        followups.record(complaint, caller, reached=True, rating=Rating.BASICALLY_SATISFIED, comments="已退费")
        db.session.commit()
    event = hotline_platform.events("HZ-1006")[-1]
    assert event["event"] == "followup" and event["reached"] is True
    assert event["rating"]["code"] == "basically_satisfied"


def test_a_review_the_reporter_asks_for_is_told_to_the_hotline(app, client, hotline_platform, signed_in):
    from portal.casework.models import Complaint
    from portal.intake import tracking

    case_number, _answer = _file(app, client, hotline_platform, "HZ-1007")
    complaint_id = _case_id(app, case_number)
    handler = signed_in(Role.HANDLER, "330106")
    _step(handler, complaint_id, "accept")
    assert issue_reply(handler, complaint_id, "conclude", REPLY).status_code == 302
    with app.app_context():
        tracking.request_review(db.session.get(Complaint, complaint_id), "答复没有回应退费问题。", clock.now())
        db.session.commit()
    event = hotline_platform.events("HZ-1007")[-1]
    assert event["event"] == "status" and event["step"] == "review_requested"
    assert event["review_stage"]["code"] == "review"
