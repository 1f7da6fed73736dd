"""Simultaneous posts against a real server on the test database (SQLite or PostgreSQL)."""
import http.client
import threading
import urllib.parse

from sqlalchemy import func, select

from portal.complaints.models import Complaint
from portal.complaints.service import token_digest
from portal.extensions import db
from tests.complaints.helpers import case_number_on, form_fields, hidden, receipt_on


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
