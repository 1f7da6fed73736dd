"""Sign-in throttling a stranger cannot turn against the owner, the authenticator's slower second
stage and the owner's warning, counts kept out of the headers, and what a session holds."""
import base64
import datetime as dt
import json
import re
import time
import zlib

import pyotp
import pytest

from portal.accounts import alerts, service, throttle
from portal.accounts.models import Role, User
from portal.extensions import db
from tests.support.forms import hidden
from tests.support.forms import post_form as post

PASSWORD = "钱塘江 lantern-harbour 27"
USERNAME = "qian.handler"


@pytest.fixture
def owner(app):
    """A browser (its own address) where the account completed its first sign-in: (client, secret, id)."""
    with app.app_context():
        user, one_time = service.create_user(USERNAME, "钱执法", Role.HANDLER, "330106", "浙杭执字0002",
                                             email="qian@jiaoyu.example.gov.cn")
        db.session.commit()
        user_id = user.id
    client = browser(app, "198.51.100.7")
    post(client, "/login", username=USERNAME, password=one_time)
    post(client, "/login/password", current=one_time, new=PASSWORD, repeat=PASSWORD)
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = re.search(r'<span class="mono key">([A-Z2-7 ]+)</span>', page).group(1).replace(" ", "")
    assert post(client, "/login/enrol", code=pyotp.TOTP(secret).now()).status_code == 200
    sign_out(client)
    return client, secret, user_id


def browser(app, address: str):
    """A test client that comes from its own address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_out(client) -> None:
    page = client.get("/staff/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": hidden(page, "csrf_token")})


def next_code(secret: str) -> str:
    """The code of the next time step (the current one was used by the enrolment)."""
    return pyotp.TOTP(secret).at(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30))


def test_a_stranger_who_knows_the_username_cannot_lock_the_owner_out(app, owner):
    client, secret, _user_id = owner
    attacker = browser(app, "203.0.113.9")
    for _ in range(5):
        assert post(attacker, "/login", username=USERNAME, password="wrong-password-123").status_code == 422
    refused = post(attacker, "/login", username=USERNAME, password="wrong-password-456")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    # The owner, on the browser they signed in with before, with the right password and code.
    assert post(client, "/login", username=USERNAME, password=PASSWORD).headers["Location"].startswith("/login/code")
    assert post(client, "/login/code", code=next_code(secret)).status_code == 302
    assert client.get("/staff/account").status_code == 200


def test_guessing_stays_five_wrong_passwords_per_quarter_hour_from_any_number_of_addresses(app, owner):
    for number in range(5):
        stranger = browser(app, f"203.0.113.{20 + number}")
        assert post(stranger, "/login", username=USERNAME, password=f"wrong-password-{number}").status_code == 422
    for number in range(3):  # new addresses, even with the right password: the shared allowance is spent
        stranger = browser(app, f"203.0.113.{40 + number}")
        response = post(stranger, "/login", username=USERNAME, password=PASSWORD)
        assert response.status_code == 429 and int(response.headers["Retry-After"]) > 800
        assert "此账号的错误尝试次数过多" in response.get_data(as_text=True)  # beside the field, typed name kept
        assert f'value="{USERNAME}"' in response.get_data(as_text=True)


def test_the_owners_browser_has_its_own_allowance_and_a_forged_cookie_none(app, owner):
    client, _secret, _user_id = owner
    for _ in range(5):
        assert post(client, "/login", username=USERNAME, password="wrong-password-123").status_code == 422
    assert post(client, "/login", username=USERNAME, password=PASSWORD).status_code == 429
    # A device cookie made up, or signed with another key, counts with the strangers.
    forger = browser(app, "203.0.113.77")
    forger.set_cookie(throttle.DEVICE_COOKIE, "eyJ4IjoieSJ9.forged.signature", path="/login")
    assert post(forger, "/login", username=USERNAME, password="wrong-password-1").status_code == 422


def test_sign_in_pages_do_not_tell_an_accounts_failure_count(app, owner):
    for number in range(3):
        post(browser(app, f"203.0.113.{60 + number}"), "/login", username=USERNAME, password="wrong-password-1")
    for url, fields in (("/login", {"username": USERNAME, "password": "wrong-password-2"}),
                        ("/login", {"username": USERNAME, "password": PASSWORD})):
        response = post(browser(app, "203.0.113.70"), url, **fields)
        assert not [name for name in response.headers.keys() if name.lower().startswith("x-ratelimit")]
        assert "Retry-After" not in response.headers


def test_wrong_codes_slow_down_further_and_the_owner_is_told(app, owner, mailbox, monkeypatch):
    """A second, slower stage after repeated wrong codes; mail at the 5th, a notice at the next sign-in."""
    client, secret, user_id = owner
    monkeypatch.setitem(app.config, "LIMIT_SECOND_FACTOR_ACCOUNT", "2 per 1 second;5 per day")
    attacker = browser(app, "203.0.113.90")  # knows the password
    wrong = 0
    for _round in range(3):
        for _ in range(2):
            if wrong == 5:
                break
            assert post(attacker, "/login", username=USERNAME, password=PASSWORD).status_code == 302
            assert post(attacker, "/login/code", code="000000").status_code == 422
            wrong += 1
        time.sleep(1.1)  # the short window passes
    assert wrong == 5
    post(attacker, "/login", username=USERNAME, password=PASSWORD)
    response = post(attacker, "/login/code", code=next_code(secret))
    assert response.status_code == 429  # the daily stage holds although the short window has passed
    warnings = mailbox.to("qian@jiaoyu.example.gov.cn")
    assert len(warnings) == 1
    body = warnings[0].get_content()
    assert "5" in body and "验证码" in body and "authenticator codes" in body and PASSWORD not in body
    # The owner, on their own browser, signs in all the same and is told on the page.
    post(client, "/login", username=USERNAME, password=PASSWORD)
    response = post(client, "/login/code", code=next_code(secret))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "您的账号已被输入 5 次错误的身份验证器验证码" in page and 'role="alert"' in page
    with app.app_context():
        assert alerts.failures_since_sign_in(db.session.get(User, user_id)) == 0  # counted afresh from here


@pytest.mark.parametrize("count, expected", [(4, False), (5, True), (6, False), (10, True), (15, False),
                                             (20, True), (40, True)])
def test_the_owner_is_told_at_5_then_each_time_the_count_doubles(count, expected):
    assert alerts.due(count) is expected


def session_payload(client) -> dict:
    """What the (signed, not encrypted) session cookie says: anyone holding it can read this."""
    cookie = client.get_cookie("session").value
    compressed = cookie.startswith(".")
    data = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def test_the_form_secret_is_replaced_at_sign_in(app, owner):
    client, secret, _user_id = owner
    before = hidden(client.get("/login").get_data(as_text=True), "csrf_token")
    post(client, "/login", username=USERNAME, password=PASSWORD)
    post(client, "/login/code", code=next_code(secret))
    # A token from a page opened before the sign-in (or planted by someone else) no longer works.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.get("/staff/account").status_code == 200


def test_form_tokens_expire(app, owner, monkeypatch):
    client, secret, _user_id = owner
    post(client, "/login", username=USERNAME, password=PASSWORD)
    post(client, "/login/code", code=next_code(secret))
    token = hidden(client.get("/staff/account").get_data(as_text=True), "csrf_token")
    import itsdangerous.timed

    later = time.time() + 13 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 400


def test_the_session_holds_no_hash_of_the_address_or_browser(app, owner):
    client, secret, _user_id = owner
    post(client, "/login", username=USERNAME, password=PASSWORD)
    post(client, "/login/code", code=next_code(secret))
    assert client.get("/staff/account").status_code == 200
    payload = session_payload(client)
    assert "_id" not in payload, payload.keys()
    assert not re.search(r"[0-9a-f]{64,}", json.dumps(payload))
