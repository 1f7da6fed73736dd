"""Signing in through the pages: password, first password change, enrolment, code, sign-out."""
import datetime as dt
import re
import time

import pyotp
import pytest

from portal.accounts import service
from portal.accounts.models import Role, User
from portal.extensions import db
from portal.security import audit
from tests.support.forms import hidden
from tests.support.forms import post_form as post

NEW_PASSWORD = "钱塘江 lantern-harbour 27"


@pytest.fixture
def account(app):
    """A handler as created by an administrator: one-time password, no authenticator yet."""
    with app.app_context():
        user, one_time = service.create_user("zhou.handler", "周执法", Role.HANDLER, "330106", "浙杭执字0001")
        db.session.commit()
        return user.id, one_time


def enrolled_client(client, account) -> str:
    """Walk a fresh account through the first sign-in; returns its authenticator secret."""
    _user_id, one_time = account
    assert post(client, "/login", username="zhou.handler", password=one_time).headers["Location"] == "/login/password"
    response = post(client, "/login/password", current=one_time, new=NEW_PASSWORD, repeat=NEW_PASSWORD)
    assert response.headers["Location"] == "/login/enrol"
    page = client.get("/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<span class="mono key">([A-Z2-7 ]+)</span>', page).group(1).replace(" ", "")
    assert len(secret) == 32
    response = post(client, "/login/enrol", code=pyotp.TOTP(secret).now())
    assert response.status_code == 200 and response.get_data(as_text=True).count("<li>") >= 10
    return secret


def sign_in(client, secret, code_time=None):
    post(client, "/login", username="zhou.handler", password=NEW_PASSWORD)
    code = pyotp.TOTP(secret).at(code_time or dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30))
    return post(client, "/login/code", code=code)


def test_first_sign_in_sets_password_and_authenticator(client, account):
    enrolled_client(client, account)
    page = client.get("/staff/account?lang=zh_CN").get_data(as_text=True)
    assert "周执法" in page and "浙杭执字0001" in page and "浙江省杭州市西湖区" in page
    assert "剩余恢复码" in page and ">10<" in page


def test_staff_pages_need_the_second_factor_too(client, account):
    _id, one_time = account
    post(client, "/login", username="zhou.handler", password=one_time)
    response = client.get("/staff/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_wrong_password_unknown_user_and_disabled_account_look_the_same(client, app, account):
    _id, one_time = account
    bodies = []
    for name, password in (("zhou.handler", "wrong-password-123"), ("nobody.here", one_time)):
        response = post(client, "/login?lang=en", username=name, password=password)
        assert response.status_code == 422
        bodies.append(re.search(r'id="password-error">(.*?)</p>', response.get_data(as_text=True), re.S).group(1))
    with app.app_context():
        service.disable(db.session.get(User, account[0]), "user:1", "test")
        db.session.commit()
    response = post(client, "/login?lang=en", username="zhou.handler", password=one_time)
    bodies.append(re.search(r'id="password-error">(.*?)</p>', response.get_data(as_text=True), re.S).group(1))
    assert len(set(bodies)) == 1 and "The username or password is not right." in bodies[0]


def test_failed_sign_ins_are_limited_per_account_from_any_client(client, app, account):
    for _ in range(5):
        assert post(client, "/login", username="zhou.handler", password="wrong-password-123").status_code == 422
    other = app.test_client()
    assert post(other, "/login", username="zhou.handler", password=account[1]).status_code == 429


def test_failed_sign_ins_are_kept_in_the_audit_trail_although_refused(client, app, account):
    user_id, one_time = account
    assert post(client, "/login", username="zhou.handler", password="wrong-password-123").status_code == 422
    assert post(client, "/login", username="nobody.here", password=one_time).status_code == 422
    with app.app_context():
        assert [entry.action for entry in audit.for_object("user", user_id)][-1] == "user.sign_in_failed"
        assert [entry.action for entry in audit.for_object("user", "unknown")] == ["user.sign_in_failed"]


def test_a_supervisor_outside_the_term_is_refused_and_the_refusal_kept(client, app):
    with app.app_context():
        user, one_time = service.create_user("out.of.term", "任期外", Role.SUPERVISOR, "330106")
        db.session.commit()
    response = post(client, "/login?lang=en", username="out.of.term", password=one_time)
    assert response.status_code == 422 and "not in force" in response.get_data(as_text=True)
    with app.app_context():
        refused = audit.for_object("user", user.id)[-1]
        assert refused.action == "user.sign_in_failed" and "term" in refused.after


def test_wrong_codes_are_kept_in_the_audit_trail(client, app, account):
    secret = enrolled_client(client, account)
    page = client.get("/staff/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": hidden(page, "csrf_token")})
    post(client, "/login", username="zhou.handler", password=NEW_PASSWORD)
    assert post(client, "/login/code", code="000000").status_code == 422
    with app.app_context():
        assert audit.for_object("user", account[0])[-1].action == "user.second_factor_failed"
    assert sign_in(client, secret).status_code == 302


def test_the_authenticator_key_outlives_a_wrong_code(client, account):
    """The key is made on the first visit to the enrolment step, even one that posts a wrong code."""
    post(client, "/login", username="zhou.handler", password=account[1])
    post(client, "/login/password", current=account[1], new=NEW_PASSWORD, repeat=NEW_PASSWORD)
    token = hidden(client.get("/login").get_data(as_text=True), "csrf_token")
    response = client.post("/login/enrol", data={"csrf_token": token, "code": "000000"})
    assert response.status_code == 422
    shown = re.search(r'<span class="mono key">([A-Z2-7 ]+)</span>', response.get_data(as_text=True))
    assert shown.group(0) in client.get("/login/enrol").get_data(as_text=True)
    response = post(client, "/login/enrol", code=pyotp.TOTP(shown.group(1).replace(" ", "")).now())
    assert response.status_code == 200 and response.get_data(as_text=True).count("<li>") >= 10


def test_a_used_code_cannot_sign_in_again(client, app, account):
    secret = enrolled_client(client, account)
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
    assert sign_in(app.test_client(), secret, moment).status_code == 302
    other = app.test_client()
    response = sign_in(other, secret, moment)
    assert response.status_code == 422 and "已被使用" in response.get_data(as_text=True)


def test_sign_out_is_a_post_and_ends_copied_sessions(client, app, account):
    enrolled_client(client, account)
    copied = client.get_cookie("session").value
    assert client.get("/logout").status_code == 405
    page = client.get("/staff/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": hidden(page, "csrf_token")})
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/staff/account").status_code == 302


def test_password_change_and_disabling_end_other_sessions(client, app, account):
    secret = enrolled_client(client, account)
    second = app.test_client()
    assert sign_in(second, secret).status_code == 302 and second.get("/staff/account").status_code == 200
    newer = "西湖 boathouse-lantern 48"
    response = post(client, "/staff/account", current=NEW_PASSWORD, new=newer, repeat=newer)
    assert response.status_code == 302
    assert client.get("/staff/account").status_code == 200  # this session goes on
    assert second.get("/staff/account").status_code == 302  # the other one has ended
    with app.app_context():
        service.disable(db.session.get(User, account[0]), "user:1", "left")
        db.session.commit()
    assert client.get("/staff/account").status_code == 302


def test_idle_sessions_end_after_30_minutes(client, account):
    enrolled_client(client, account)
    with client.session_transaction() as session:
        session["account"] = {**session["account"], "seen": int(time.time()) - 31 * 60}
    assert client.get("/staff/account").status_code == 302


def test_sign_in_returns_only_to_pages_on_this_site(client, account):
    secret = enrolled_client(client, account)
    page = client.get("/staff/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": hidden(page, "csrf_token")})
    post(client, "/login?next=//evil.example/x", username="zhou.handler", password=NEW_PASSWORD)
    code = pyotp.TOTP(secret).at(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30))
    response = post(client, "/login/code?next=//evil.example/x", code=code)
    assert response.headers["Location"] == "/staff/cases"  # the handler's inbox, not the evil site
    from portal.accounts.access import safe_next

    assert [safe_next(t) for t in ("/staff/x", "//evil", "https://evil", "/\\evil", None)] == \
        ["/staff/x", None, None, None, None]


def test_weak_new_passwords_are_refused_beside_the_field(client, account):
    post(client, "/login", username="zhou.handler", password=account[1])
    response = post(client, "/login/password?lang=en", current=account[1], new="password1234", repeat="password1234")
    assert response.status_code == 422
    assert "too common" in re.search(r'id="new-error">(.*?)</p>', response.get_data(as_text=True), re.S).group(1)


def test_wrong_codes_are_limited_per_account_across_clients(client, app, account):
    secret = enrolled_client(client, account)
    page = client.get("/staff/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": hidden(page, "csrf_token")})
    for number in range(5):
        other = app.test_client()  # a new address each time would look like this too
        post(other, "/login", username="zhou.handler", password=NEW_PASSWORD)
        assert post(other, "/login/code", code="000000").status_code == 422
    last = app.test_client()
    post(last, "/login", username="zhou.handler", password=NEW_PASSWORD)
    assert post(last, "/login/code", code=pyotp.TOTP(secret).now()).status_code == 429



def test_the_enrolment_page_is_closed_to_an_enrolled_account(client, app, account):
    """A password alone must never lead to a session: enrolment does not reopen."""
    secret = enrolled_client(client, account)
    page = client.get("/staff/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": hidden(page, "csrf_token")})
    attacker = app.test_client()
    post(attacker, "/login", username="zhou.handler", password=NEW_PASSWORD)
    response = attacker.get("/login/enrol")
    assert response.status_code == 302 and secret not in response.get_data(as_text=True)
    token = hidden(attacker.get("/login").get_data(as_text=True), "csrf_token")
    response = attacker.post("/login/enrol", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and attacker.get("/staff/account").status_code == 302


def test_a_one_time_password_expires_after_three_days(client, app, account):
    user_id, one_time = account
    with app.app_context():
        user = db.session.get(User, user_id)
        lifetime = user.password_expires_at - user.created_at
        assert abs(lifetime - service.ONE_TIME_PASSWORD_LIFETIME) < dt.timedelta(seconds=5)
        user.password_expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        db.session.commit()
    response = post(client, "/login?lang=en", username="zhou.handler", password=one_time)
    assert response.status_code == 422
    assert "This one-time password has expired" in response.get_data(as_text=True)
    assert client.get("/login/password").status_code == 302  # no half sign-in either
    with app.app_context():
        assert audit.for_object("user", user_id)[-1].after == '{"reason":"one_time_password_expired"}'
        user = db.session.get(User, user_id)
        one_time = service.reset_credentials(user, "user:1", "过期重发")  # an administrator issues a new one
        db.session.commit()
    assert post(client, "/login", username="zhou.handler", password=one_time).headers["Location"] == "/login/password"
    post(client, "/login/password", current=one_time, new=NEW_PASSWORD, repeat=NEW_PASSWORD)
    with app.app_context():
        assert db.session.get(User, user_id).password_expires_at is None  # their own password does not expire


def test_the_one_time_password_cannot_be_skipped(client, account):
    post(client, "/login", username="zhou.handler", password=account[1])
    response = client.get("/login/enrol")
    assert response.status_code == 302
    assert client.get("/staff/account").status_code == 302


def test_invisible_characters_do_not_reset_the_account_counter(client, app, account):
    for number in range(5):
        post(client, "/login", username="zhou.handler" + "\u200b" * number, password="wrong-password-123")
    assert post(app.test_client(), "/login", username="zhou.handler", password=account[1]).status_code == 429


@pytest.mark.parametrize("target", ["/%09/evil.example/", "/\x0b/evil.example", "//evil.example", "/staff/../x",
                                    "https://evil.example/staff/", "/staff/account\n"])
def test_next_never_leaves_the_back_office(target):
    from portal.accounts.access import safe_next

    assert safe_next(target) is None
    assert safe_next("/staff/users/7?lang=en") == "/staff/users/7?lang=en"


def test_demo_accounts_never_sign_in_in_production(app):
    from portal.accounts.demo import DEMO_PASSWORD

    with app.app_context():
        from portal.accounts import demo as accounts_demo

        accounts_demo.seed()
        db.session.commit()
        with pytest.raises(service.SignInFailed):
            service.authenticate("demo.admin", DEMO_PASSWORD, refuse_demo=True)
        assert service.authenticate("demo.admin", DEMO_PASSWORD).username == "demo.admin"
