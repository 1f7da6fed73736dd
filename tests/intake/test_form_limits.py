"""The complaint form's limits: over them the reporter keeps the form, learns when to send it and
what else to do; a form returned for correction never counts. In memory and in the real Redis."""
import io
import re
import secrets

import pytest
import redis
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import func, select

from portal import config
from portal.casework.models import Complaint
from portal.extensions import db, limiter
from tests.support import files
from tests.support.complaints import form_fields
from tests.support.forms import open_form
from tests.support.pages import visible_text

STORY = "周末给小学生上数学课，没有任何证照，还要求预交一年学费。这是第六次投诉。"


def submit(client, lang="zh_CN", tokens=None, upload=None, **overrides):
    data = {**(tokens or open_form(client)), **form_fields(**overrides)}
    if upload is not None:
        data["files"] = upload
    return client.post(f"/complaints/new?lang={lang}", data=data, content_type="multipart/form-data")


def count_complaints(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Complaint))


@pytest.fixture
def two_an_hour(app):
    app.config["LIMIT_COMPLAINT_SUBMIT"] = "2 per hour"
    yield app
    app.config["LIMIT_COMPLAINT_SUBMIT"] = "5 per hour"


@pytest.mark.parametrize(("lang", "words"), [
    ("zh_CN", ("您的投诉还没有提交", "12345", "可以在", "起提交")),
    ("en", ("Your complaint has not been sent yet", "12345", "You can send it from")),
])
def test_over_the_limit_the_form_comes_back_with_what_was_typed(client, app, two_an_hour, lang, words):
    before = count_complaints(app)
    assert [submit(client).status_code for _ in range(2)] == [200, 200]
    upload = [(io.BytesIO(files.jpeg_with_gps()), "收据.jpg")]
    response = submit(client, lang=lang, description=STORY, upload=upload)
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 3601
    assert count_complaints(app) == before + 2  # nothing stored as a complaint
    assert STORY in page and 'value="小蜜蜂学习屋"' in page
    assert "收据.jpg" in page  # the photo is kept for when they can send it
    text = visible_text(page)
    for word in words:
        assert word in text
    # A clock time, rounded up to the minute, never a count of seconds.
    assert re.search(r"\d{1,2}:\d{2}", text) and "seconds" not in text and "秒" not in text


def test_the_form_can_be_sent_once_the_window_has_room(client, app, two_an_hour):
    for _ in range(2):
        submit(client)
    tokens = open_form(client)
    assert submit(client, tokens=tokens).status_code == 429
    app.config["LIMIT_COMPLAINT_SUBMIT"] = "3 per hour"  # as if the oldest filing left the window
    assert submit(client, tokens=tokens).status_code == 200


def test_corrections_over_the_filing_limit_are_returned_for_correction(client, app, two_an_hour):
    for _ in range(2):
        submit(client)
    tokens = open_form(client)
    for _ in range(3):
        response = submit(client, tokens=tokens, lang="en", description="too short")
        assert response.status_code == 422, "a correction was refused by the limit"
        assert "Please write at least" in response.get_data(as_text=True)


def test_corrections_of_one_form_never_use_up_the_clients_posting_limit(client, app):
    app.config["LIMIT_COMPLAINT_POST"] = "3 per hour"
    try:
        tokens = open_form(client)
        for _ in range(4):  # one first post, then corrections of the same form
            assert submit(client, tokens=tokens, description="太短").status_code == 422
        assert submit(client, tokens=tokens).status_code == 200
        assert submit(client).status_code == 200 and submit(client).status_code == 200
        refused = submit(client, lang="en", upload=[(io.BytesIO(files.jpeg_with_gps()), "receipt.jpg")])
        page = refused.get_data(as_text=True)  # the fourth new form in the hour
        assert refused.status_code == 429 and "Your complaint has not been sent yet" in page
        assert "receipt.jpg" in page  # its photo is kept too
    finally:
        app.config["LIMIT_COMPLAINT_POST"] = "30 per hour"


def test_one_form_cannot_be_posted_without_end(client, app):
    app.config["LIMIT_COMPLAINT_FORM_POST"] = "3 per hour"
    try:
        tokens = open_form(client)
        statuses = [submit(client, tokens=tokens, description="太短").status_code for _ in range(4)]
    finally:
        app.config["LIMIT_COMPLAINT_FORM_POST"] = "30 per hour"
    assert statuses == [422, 422, 422, 429]


def test_the_form_and_the_api_share_one_allowance(client, app, two_an_hour):
    for _ in range(2):
        assert submit(client).status_code == 200
    body = {"category": "unlicensed", "region": "330106", "institution_name": "小蜜蜂学习屋",
            "institution_address": "杭州市西湖区文三路100号", "description": STORY, "ongoing": True}
    assert client.post("/api/v1/complaints", json=body).status_code == 429


@pytest.fixture
def redis_limits(app):
    """The limiter counting in the real Redis (PORTAL_TEST_REDIS_URL), under a prefix of its own."""
    url = config.TestingConfig().TEST_REDIS_URL
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is needed at {url} (PORTAL_TEST_REDIS_URL)")
    prefix = f"test-intake-{secrets.token_hex(4)}"
    storage = storage_from_string(url, key_prefix=prefix)
    saved = limiter._storage, limiter._limiter
    limiter._storage, limiter._limiter = storage, MovingWindowRateLimiter(storage)
    try:
        yield redis.Redis.from_url(url), prefix
    finally:
        limiter._storage, limiter._limiter = saved
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def test_the_limit_counts_in_redis(client, app, two_an_hour, redis_limits):
    store, prefix = redis_limits
    tokens = open_form(client)
    assert submit(client, tokens=tokens, description="太短").status_code == 422
    assert submit(client, tokens=tokens).status_code == 200
    assert submit(client).status_code == 200
    assert submit(client).status_code == 429
    keys = [key.decode() for key in store.scan_iter(f"{prefix}*")]
    assert any("complaint-submit" in key for key in keys) and any("complaint-post" in key for key in keys)
    # The bucket is the API's too: it is refused by the same count in Redis.
    assert client.post("/api/v1/complaints", json={}).status_code == 429


@pytest.mark.parametrize(("lang", "tomorrow"), [("zh_CN", "日 09:00"), ("en", " 9:00\u202fAM")])
def test_the_time_to_send_is_a_clock_time_rounded_up(app, lang, tomorrow):
    import datetime as dt

    from portal import clock
    from portal.filing_limits.service import sendable_time

    with app.test_request_context(f"/?lang={lang}"):
        today = clock.today()
        soon = dt.datetime.combine(today, dt.time(10, 0, 1), tzinfo=clock.zone())
        assert sendable_time(soon).startswith("10:01")  # today: the clock time alone, rounded up
        later = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9, 0), tzinfo=clock.zone())
        text = sendable_time(later)
        assert text.endswith(tomorrow) and str(later.year) in text and str(later.day) in text
