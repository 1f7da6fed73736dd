"""Simultaneous requests against a real server and committed data on the test database (SQLite or
PostgreSQL)."""
import http.client
import secrets
import threading
import urllib.parse

import pytest
from sqlalchemy import func, select

from portal import config
from portal.accounts.models import Role, User
from portal.casework import queries
from portal.casework import service as casework
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Rating, ReviewStage, Status
from portal.extensions import db
from portal.intake import tracking
from portal.intake.filing import token_digest
from tests.support.accounts import make_account, sign_in
from tests.support.complaints import case_number_on, file, form_fields, receipt_on
from tests.support.databases import is_postgresql
from tests.support.forms import hidden

pytestmark = pytest.mark.slow  # threads against a live server


def open_form_over_http(server) -> tuple[str, dict]:
    """GET the form like a browser: the session cookie and the two hidden tokens."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=10)
    connection.request("GET", "/complaints/new")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    return cookie, {"csrf_token": hidden(page, "csrf_token"), "form_token": hidden(page, "form_token")}


def post_together(server, requests: list[tuple[str, dict]]) -> list[tuple[int, str]]:
    """Post every form at the same moment from its own thread and connection."""
    start = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def post(index: int, cookie: str, fields: dict) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=30)
        body = urllib.parse.urlencode(fields)
        start.wait()
        connection.request("POST", "/complaints/new", body=body, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        results[index] = (response.status, response.read().decode())

    threads = [threading.Thread(target=post, args=(i, cookie, fields))
               for i, (cookie, fields) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_simultaneous_posts_of_one_form_store_one_complaint(live_server, live_app):
    cookie, tokens = open_form_over_http(live_server)
    fields = {**tokens, **form_fields()}
    results = post_together(live_server, [(cookie, fields), (cookie, fields)])
    assert [status for status, _ in results] == [200, 200]
    assert receipt_on(results[0][1]) == receipt_on(results[1][1])
    with live_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Complaint).where(
            Complaint.form_token_digest == token_digest(tokens["form_token"])))
    assert count == 1


def test_simultaneous_complaints_get_distinct_case_numbers(live_server):
    forms = []
    for _ in range(4):
        cookie, tokens = open_form_over_http(live_server)
        forms.append((cookie, {**tokens, **form_fields(region="630103")}))
    results = post_together(live_server, forms)
    assert all(status == 200 for status, _ in results)
    numbers = {case_number_on(page) for _, page in results}
    assert len(numbers) == 4 and all(n.startswith("630103-") for n in numbers)


# Two requests acting on one case at the same moment. SQLite cannot interleave them: every
# writing request takes the database's write lock at BEGIN IMMEDIATE, so they queue. PostgreSQL
# runs them side by side, and only the row lock (SELECT … FOR UPDATE) keeps the second from
# acting on the state the first has just changed.
on_postgresql = pytest.mark.skipif(
    not is_postgresql(config.TestingConfig().SQLALCHEMY_DATABASE_URI),
    reason="PostgreSQL only: on SQLite writing requests already queue at BEGIN IMMEDIATE")


def meeting_after(monkeypatch, module, name: str) -> None:
    """Make `module.name` wait, after it has read the case, until the other request has read it
    too (or 2 s have passed): without a lock both then act on the same state."""
    meet = threading.Barrier(2, timeout=2)
    original = getattr(module, name)

    def read_then_meet(*args, **kwargs):
        result = original(*args, **kwargs)
        try:
            meet.wait()
        except threading.BrokenBarrierError:
            pass  # the other request is waiting for the lock, not for us
        return result

    monkeypatch.setattr(module, name, read_then_meet)


def together(*calls) -> list:
    """Run each call in its own thread at the same moment; their results in order."""
    results: list = [None] * len(calls)

    def run(index: int) -> None:
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def staff_client(live_app, region: str = "330106"):
    username = f"race.{secrets.token_hex(4)}"
    _id, secret = make_account(live_app, username, Role.HANDLER, region, f"浙杭执字{secrets.randbelow(10**6)}")
    client = live_app.test_client()
    sign_in(client, username, secret)
    return client


@on_postgresql
def test_two_officers_accepting_one_case_at_once_record_one_decision(live_app, monkeypatch):
    with live_app.app_context():
        complaint_id = file().complaint.id
        db.session.commit()
    officers = [staff_client(live_app), staff_client(live_app)]
    token = hidden(officers[0].get("/staff/account").get_data(as_text=True), "csrf_token")
    tokens = [token, hidden(officers[1].get("/staff/account").get_data(as_text=True), "csrf_token")]
    meeting_after(monkeypatch, queries, "case_for_staff")
    url = f"/staff/cases/{complaint_id}/steps/accept"
    responses = together(*[lambda client=client, token=token: client.post(url, data={"csrf_token": token})
                           for client, token in zip(officers, tokens)])
    assert sorted(response.status_code for response in responses) == [302, 409]
    refused = next(response for response in responses if response.status_code == 409)
    assert "现在不能“受理”" in refused.get_data(as_text=True)  # "“Accept” is not possible now"
    with live_app.app_context():
        kinds = db.session.scalars(select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint_id))
        assert list(kinds).count(EventKind.ACCEPTED) == 1
        assert db.session.get(Complaint, complaint_id).status is Status.ACCEPTED


def tracking_browser(live_app, receipt: str):
    """A browser with the case open on the tracking page, and the page's CSRF token."""
    browser = live_app.test_client()
    token = hidden(browser.get("/track").get_data(as_text=True), "csrf_token")
    assert browser.post("/track", data={"receipt": receipt, "csrf_token": token}).status_code == 302
    return browser, hidden(browser.get("/track/case").get_data(as_text=True), "csrf_token")


@on_postgresql
def test_a_review_asked_for_twice_at_once_goes_up_one_level(live_app, monkeypatch):
    with live_app.app_context():
        handler = db.session.scalar(select(User).where(User.username == "demo.handler"))
        filed = file()
        casework.apply(filed.complaint, "accept", handler)
        casework.apply(filed.complaint, "conclude", handler, "经查，该机构已停止培训。")
        tracking.rate(filed.complaint, Rating.UNSATISFIED, "")
        db.session.commit()
        complaint_id = filed.complaint.id
    # The case open in two browsers (a phone and a computer, each with the receipt): two grants,
    # so nothing but the case's own row is shared between the two requests.
    browsers = [tracking_browser(live_app, filed.receipt) for _ in range(2)]
    meeting_after(monkeypatch, tracking, "complaint_for_grant")
    reason = "机构仍在周末上课，答复与事实不符。"
    responses = together(*[lambda browser=browser, token=token: browser.post(
        "/track/review", data={"csrf_token": token, "reason": reason}) for browser, token in browsers])
    assert sorted(response.status_code for response in responses) == [302, 409]
    with live_app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.UNDER_REVIEW and complaint.review_stage is ReviewStage.REVIEW
        assert complaint.handling_region_code == "330100"  # the city, not the province above it
