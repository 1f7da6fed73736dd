"""Through the pages: filing sends the handlers' message after the commit, a dead mail server
changes nothing for the reporter, and administrators set staff addresses."""
import logging
import re
import time

import pytest
from sqlalchemy import select

from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.casework.models import Complaint
from portal.extensions import db
from portal.notifications.models import Message, State
from portal.security import audit
from tests.support.accounts import make_account, sign_in
from tests.support.complaints import (
    MARKER_EMAIL,
    MARKER_ID,
    MARKER_NAME,
    MARKER_PHONE,
    case_number_on,
    file,
    form_fields,
    receipt_on,
)
from tests.support.forms import hidden, open_form, post_form

DEMO_HANDLER = "demo.handler@example.invalid"


def file_named(client):
    data = {**open_form(client), **form_fields(identity="named", name=MARKER_NAME, phone=MARKER_PHONE,
                                               id_number=MARKER_ID, email=MARKER_EMAIL, notify_by="email")}
    return client.post("/complaints/new?lang=en", data=data)


def test_filing_mails_the_county_handlers_once_and_nothing_about_the_reporter(client, app, mailbox):
    response = file_named(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and receipt_on(page)
    number = case_number_on(page)
    [(rcpt, message)] = mailbox.received
    assert rcpt == [DEMO_HANDLER] and number in message["Subject"]
    text = message["Subject"] + message.get_content()
    for private in (MARKER_NAME, MARKER_PHONE, MARKER_ID, MARKER_EMAIL, receipt_on(page), "小蜜蜂学习屋",
                    form_fields()["description"]):
        assert private not in text
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.case_number == number))
        assert f"/staff/cases/{complaint.id}" in text


def test_a_double_submit_sends_no_second_message(client, mailbox):
    data = {**open_form(client), **form_fields()}
    client.post("/complaints/new", data=data)
    client.post("/complaints/new", data=data)
    assert len(mailbox.received) == 1


def test_with_the_mail_server_down_the_complaint_is_filed_all_the_same(client, app, mail_down, caplog):
    caplog.set_level(logging.WARNING, logger="portal.notifications")
    response = file_named(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and receipt_on(page)
    with app.app_context():
        assert db.session.scalar(select(Complaint.id).where(Complaint.case_number == case_number_on(page)))
    assert "not sent, attempt 1: retry (ConnectionRefusedError)" in caplog.text  # and tried again later
    assert "demo.handler" not in caplog.text and MARKER_EMAIL not in caplog.text


def test_a_mail_server_that_never_answers_holds_up_nothing(client, app, silent_mail_server, caplog):
    """In production the request only writes the message; the worker process talks to the server."""
    caplog.set_level(logging.WARNING, logger="portal.notifications")
    started = time.monotonic()
    response = file_named(client)
    elapsed = time.monotonic() - started
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and receipt_on(page) and elapsed < 3, elapsed
    with app.app_context():
        assert db.session.scalar(select(Complaint.id).where(Complaint.case_number == case_number_on(page)))
        [message] = db.session.scalars(select(Message)).all()
        assert message.state is State.PENDING and message.attempts == 0
    assert not silent_mail_server.connected.is_set()  # the request never reached for the server
    silent_mail_server.hang_up()
    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert "0 sent, 1 not sent" in result.output
    assert "not sent, attempt 1: retry (ConnectionRefusedError)" in caplog.text


def test_in_production_the_worker_process_delivers(client, app, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DELIVERY", "worker")
    page = file_named(client).get_data(as_text=True)
    assert mailbox.received == []
    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0 and "1 sent, 0 not sent" in result.output
    [(rcpt, message)] = mailbox.received
    assert rcpt == [DEMO_HANDLER] and case_number_on(page) in message["Subject"]
    assert "1 sent" not in app.test_cli_runner().invoke(args=["outbox", "work", "--once"]).output  # once only


def test_a_review_request_mails_the_handlers_of_the_office_above(client, app, mailbox):
    with app.app_context():
        county, _ = accounts.create_user("xh.replier", "区局执法", Role.HANDLER, "330106", "浙杭执字0100")
        city, _ = accounts.create_user("hz.review.desk", "市局复查", Role.HANDLER, "330100", "浙杭执字0101")
        city.email = "review.desk@example.org"
        filed = file()
        casework.apply(filed.complaint, "accept", county)
        casework.apply(filed.complaint, "conclude", county, "经查属实，已责令停止培训。")
        db.session.commit()
        number, complaint_id = filed.complaint.case_number, filed.complaint.id
    mailbox.received.clear()
    page = post_form(client, "/track", receipt=filed.receipt)
    token = hidden(client.get("/track/case").get_data(as_text=True), "csrf_token")
    assert client.post("/track/rating", data={"csrf_token": token, "rating": "unsatisfied"}).status_code == 302
    assert client.post("/track/review", data={"csrf_token": token,
                                              "reason": "机构仍在上课，答复与事实不符。"}).status_code == 302
    [(rcpt, message)] = mailbox.about(number)
    assert "review.desk@example.org" in rcpt and DEMO_HANDLER not in rcpt
    text = message.get_content()
    assert "复查" in message["Subject"] + text and f"/staff/cases/{complaint_id}" in text
    assert "机构仍在上课" not in text and "小蜜蜂学习屋" not in text  # no details, no reason
    assert page.status_code == 302


@pytest.fixture
def admin(signed_in):
    return signed_in(Role.ADMIN, "330100", username="hz.admin")


def error_beside(page: str, name: str) -> str:
    return re.search(rf'id="{name}-error">(.*?)</p>', page, re.S).group(1)


def new_account(admin, **fields):
    values = dict(username="new.handler", display_name="新执法", role="handler", region="330106",
                  certificate_number="浙杭执字9")
    return post_form(admin, "/staff/users/new?lang=en", **{**values, **fields})


def test_a_new_account_takes_a_checked_notification_address(app, admin):
    response = new_account(admin, email="not-an-email")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an email address like name@example.com." in error_beside(page, "email")
    assert 'value="not-an-email"' in page
    with app.app_context():
        assert accounts.find_user("new.handler") is None
    response = new_account(admin, email="wang.li@example.org")
    assert response.status_code == 200
    with app.app_context():
        assert accounts.find_user("new.handler").email == "wang.li@example.org"


def test_the_address_is_optional(app, admin):
    assert new_account(admin, email="").status_code == 200
    with app.app_context():
        assert accounts.find_user("new.handler").email == ""


def test_an_administrator_changes_an_address_and_the_audit_trail_keeps_both(app, admin):
    target, _ = make_account(app, "xh.handler", Role.HANDLER, "330106", "浙杭执字1")
    url = f"/staff/users/{target}"
    response = post_form(admin, f"{url}/email?lang=en", email="two@@example")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "name@example.com" in error_beside(page, "email")
    assert post_form(admin, f"{url}/email").status_code == 422  # the field not sent at all: incomplete
    response = post_form(admin, f"{url}/email", email="xh.handler@example.org")
    assert response.status_code == 302
    page = admin.get(f"{url}?lang=en").get_data(as_text=True)
    assert "xh.handler@example.org" in page and "Notification email changed" in page
    response = post_form(admin, f"{url}/email", email="")
    with app.app_context():
        assert db.session.get(User, target).email == ""
        changes = [entry for entry in audit.for_object("user", target) if entry.action == "user.email_changed"]
        assert [(c.before, c.after) for c in changes] == [
            ('{"email":""}', '{"email":"xh.handler@example.org"}'),
            ('{"email":"xh.handler@example.org"}', '{"email":""}')]


def test_only_an_administrator_of_the_jurisdiction_changes_an_address(app, admin):
    outside, _ = make_account(app, "xn.handler", Role.HANDLER, "630103", "青宁执字1")
    page = admin.get("/staff/users").get_data(as_text=True)
    response = admin.post(f"/staff/users/{outside}/email", data={"csrf_token": hidden(page, "csrf_token"),
                                                                  "email": "x@example.org"})
    assert response.status_code == 404
    _id, secret = make_account(app, "xh.handler", Role.HANDLER, "330106", "浙杭执字1")
    other = app.test_client()
    sign_in(other, "xh.handler", secret)
    page = other.get("/staff/account").get_data(as_text=True)
    response = other.post(f"/staff/users/{_id}/email", data={"csrf_token": hidden(page, "csrf_token"),
                                                              "email": "x@example.org"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, outside).email == "" and db.session.get(User, _id).email == ""
