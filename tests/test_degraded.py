"""Degraded dependencies: Redis unreachable (a closed port, a real server stopped and started
again), a database that does not answer, and a commit the database does not confirm."""
from __future__ import annotations

import io
import logging
import re
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from flask import Flask, Response
from sqlalchemy import event, func, select, text

from portal import ratelimits, transaction
from portal.accounts.models import Role
from portal.casework.lookup import find_by_receipt as lookup_receipt
from portal.casework.models import Attachment, Complaint
from portal.extensions import db, limiter
from portal.workdays.models import CalendarYear
from tests.support import files
from tests.support.accounts import make_account, sign_in
from tests.support.apps import make_app
from tests.support.complaints import form_fields, receipt_on, track
from tests.support.databases import is_postgresql, isolated_database
from tests.support.forms import open_form

MARKER = "降级测试标记XYZ"


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_limit_storage(app: Flask, uri: str, on_error: str = "allow") -> None:
    app.config.update(RATELIMIT_STORAGE_URI=uri, RATELIMIT_ON_STORAGE_ERROR=on_error, RATELIMIT_STORAGE_OPTIONS={})
    ratelimits.configure(app)
    limiter.init_app(app)  # the hooks are not added twice; the storage is rebuilt from the config


@pytest.fixture
def redis_down(app: Flask) -> Iterator[Flask]:
    """The test app with its limits kept in a Redis that does not listen."""
    keys = ("RATELIMIT_STORAGE_URI", "RATELIMIT_ON_STORAGE_ERROR", "RATELIMIT_STORAGE_OPTIONS")
    saved = {key: app.config[key] for key in keys if key in app.config}
    use_limit_storage(app, f"redis://127.0.0.1:{closed_port()}/4")
    yield app
    for key in keys:
        app.config.pop(key, None)
    app.config.update(saved)
    limiter.init_app(app)


def submit(client, **overrides):
    data = {**open_form(client), **form_fields(**overrides)}
    return client.post("/complaints/new?lang=en", data=data, content_type="multipart/form-data")


def count_complaints(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Complaint))


def test_with_redis_unreachable_complaints_are_filed_and_tracked(redis_down, client, caplog):
    caplog.set_level(logging.WARNING, logger="portal.ratelimits")
    before = count_complaints(redis_down)
    filed = submit(client)
    assert filed.status_code == 200
    receipt = receipt_on(filed.get_data(as_text=True))
    assert track(client, receipt, "en").status_code == 302  # to the case page
    assert submit(client).status_code == 200
    assert count_complaints(redis_down) == before + 2
    warnings = [r for r in caplog.records if "rate limit storage unreachable" in r.getMessage()]
    assert len(warnings) == 1 and "counting per process" in warnings[0].getMessage()


def test_with_redis_unreachable_staff_sign_in_works(redis_down):
    user_id, secret = make_account(redis_down, "degraded-officer", Role.HANDLER, "330106")
    client = redis_down.test_client()
    sign_in(client, "degraded-officer", secret)  # password, then the code: both limited posts
    assert client.get("/staff/account").status_code == 200


def test_with_redis_unreachable_limits_are_counted_in_the_process(redis_down, client):
    redis_down.config["LIMIT_RECEIPT_LOOKUP"] = "2 per minute"
    try:
        statuses = [track(client, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").status_code for _ in range(3)]
    finally:
        redis_down.config["LIMIT_RECEIPT_LOOKUP"] = "10 per minute;50 per day"
    assert 429 not in statuses[:2] and statuses[2] == 429


def test_refuse_answers_503_and_saves_nothing(redis_down, client):
    use_limit_storage(redis_down, redis_down.config["RATELIMIT_STORAGE_URI"].removeprefix("failover+"), "refuse")
    before = count_complaints(redis_down)
    response = submit(client)
    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert count_complaints(redis_down) == before
    assert client.get("/complaints/new").status_code == 200  # pages without limits still answer


def test_the_shared_counts_come_back_when_redis_does(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.WARNING, logger="portal.ratelimits")
    port = closed_port()
    storage = ratelimits.FailoverStorage(f"failover+redis://127.0.0.1:{port}/4")
    assert storage.incr("k", 60) == 1 and storage.down  # counted here while nothing listens
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            if storage.reachable():
                break
            time.sleep(0.1)
        assert storage.incr("k", 60) == 2  # still local: the next try is RETRY_SECONDS away
        monkeypatch.setattr(ratelimits, "RETRY_SECONDS", 0)
        storage.retry_at = 0.0
        assert storage.incr("k", 60) == 1  # Redis's own count starts here
        assert not storage.down
    finally:
        server.terminate()
        server.wait(timeout=10)
    messages = [r.getMessage() for r in caplog.records]
    assert any("answers again" in m for m in messages)


def test_a_database_that_does_not_answer_keeps_the_reporters_text(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'missing-folder' / 'portal.sqlite3'}")
    client = app.test_client()
    response = submit(client, description=f"{MARKER} 周末给小学生上数学课，没有任何证照，还要求预交一年学费。")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert MARKER in page and "Nothing was saved" in page and "Files are not kept" not in page
    assert 'name="form_token"' in page  # the same form, to be sent again
    lookup = track(client, "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "en")
    assert lookup.status_code == 503 and "Nothing was saved" in lookup.get_data(as_text=True)


def test_photos_chosen_while_the_database_is_down_are_kept_and_filed_when_it_is_back(tmp_path):
    folder = tmp_path / "missing-folder"
    app = make_app(tmp_path / "instance", f"sqlite:///{folder / 'portal.sqlite3'}")
    client = app.test_client()
    fields = open_form(client)
    photo = files.jpeg_with_gps()
    story = f"{MARKER} 周末给小学生上数学课，没有任何证照。"
    down = client.post("/complaints/new?lang=en", data={**fields, **form_fields(
        description=story, files=(io.BytesIO(photo), "教室照片.jpg"))}, content_type="multipart/form-data")
    page = down.get_data(as_text=True)
    assert down.status_code == 503 and "attach your photos" not in page
    assert "Files kept while the service was unavailable" in page and "教室照片.jpg" in page
    kept = list((tmp_path / "instance" / "kept-through-outage").iterdir())
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o077 == 0  # the service's user only
    assert photo[:64] not in kept[0].read_bytes() and b"\xe6\x95\x99" not in kept[0].read_bytes()  # encrypted

    folder.mkdir()  # the database is back
    with app.app_context():
        from portal import demo, models  # noqa: F401

        db.create_all()
        list(demo.seed())
        db.session.commit()
    token = re.search(r'name="form_token"[^>]*value="([^"]+)"', page).group(1)
    again = client.post("/complaints/new?lang=en", content_type="multipart/form-data", data={
        "csrf_token": fields["csrf_token"], "form_token": token, **form_fields(description=story)})
    assert again.status_code == 200, again.get_data(as_text=True)[:500]
    receipt = receipt_on(again.get_data(as_text=True))
    with app.app_context():
        complaint = lookup_receipt(receipt)
        stored = db.session.scalars(select(Attachment).where(Attachment.complaint_id == complaint.id)).all()
        assert len(stored) == 1  # the photo chosen during the outage, cleaned
        db.engine.dispose()
    assert not list((tmp_path / "instance" / "kept-through-outage").iterdir())


def test_a_failed_follow_up_after_a_commit_keeps_the_success_answer(app, caplog):
    def broken(_items):
        raise RuntimeError("the follow-up failed")

    transaction.on_commit("tests.broken", broken)
    with app.test_request_context("/", method="POST"):
        db.session.add(CalendarYear(year=1998, source="degraded test"))
        transaction.queue("tests.broken", "item")
        response = app.process_response(Response("saved", status=200))
        db.session.remove()
    assert response.status_code == 200 and response.get_data(as_text=True) == "saved"
    assert "the tests.broken handler failed after a commit" in caplog.text


def test_a_commit_the_database_does_not_confirm_is_not_called_unsaved(tmp_path, database_url):
    if not is_postgresql(database_url):
        pytest.skip("a connection ended by the server mid-commit needs PostgreSQL")
    with isolated_database(database_url, "commit_uncertain", tmp_path) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            db.create_all()
            killer = db.engine.connect()

            def end_the_connection(session):
                pid = session.connection().execute(text("SELECT pg_backend_pid()")).scalar()
                killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

            event.listen(db.session, "before_commit", end_the_connection)
            try:
                with app.test_request_context("/?lang=en", method="POST"):
                    db.session.add(CalendarYear(year=1997, source="degraded test"))
                    response = app.process_response(Response("saved", status=200))
                    db.session.remove()
            finally:
                event.remove(db.session, "before_commit", end_the_connection)
                killer.close()
                db.engine.dispose()
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "We could not confirm that this was saved" in page and "not saved" not in page
