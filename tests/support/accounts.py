"""Staff and supervisor accounts for tests: created through the service, signed in through the pages."""
from __future__ import annotations

import datetime as dt
import itertools

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts import service
from portal.accounts.models import Role, User
from portal.extensions import db
from tests.support.forms import hidden

PASSWORD = "运河 lantern-harbour 61"
CERTIFIED = (Role.HANDLER, Role.REVIEWER)
_serials = itertools.count(1)


def staff_user(username: str, role: Role = Role.HANDLER, region: str = "330106", certificate: str | None = None,
               active: bool = True, **details) -> User:
    """A new account (in the current app context), with a certificate number where the role needs one."""
    if certificate is None and role in CERTIFIED:
        certificate = f"证{username}"
    user = service.create_user(username, details.pop("display_name", username), role, region, certificate,
                               **details)[0]
    user.active = active
    return user


def make_account(app: Flask, username: str, role: Role, region: str, certificate: str | None = None,
                 **details) -> tuple[int, str]:
    """A committed account that has chosen its password and set up its authenticator: (id, TOTP secret)."""
    with app.app_context():
        user = staff_user(username, role, region, certificate, **details)
        service.change_password(user, PASSWORD)
        secret = service.begin_totp(user)
        earlier = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30)  # leaves the current code unused
        service.confirm_totp(user, pyotp.TOTP(secret).at(earlier), earlier)
        if role is Role.SUPERVISOR:  # a supervisor's account works only while appointed, in term
            from tests.support.supervisors import appoint

            appoint(user)
        db.session.commit()
        return user.id, secret


def sign_in(client: FlaskClient, username: str, secret: str) -> None:
    """Sign in through the two sign-in pages: password, then the authenticator's code."""
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": hidden(page, "csrf_token"), "username": username, "password": PASSWORD})
    page = client.get("/login/code").get_data(as_text=True)
    response = client.post("/login/code", data={"csrf_token": hidden(page, "csrf_token"),
                                                "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def signed_in_client(app: Flask, username: str, role: Role, region: str = "330106",
                     certificate: str | None = None, lang: str | None = None, **details) -> FlaskClient:
    """A new client signed in to a new account; `client.user_id` is the account's id.

    With `lang`, the account page is opened in that language first, so later pages keep it."""
    user_id, secret = make_account(app, username, role, region, certificate, **details)
    client = app.test_client()
    sign_in(client, username, secret)
    if lang:
        client.get(f"/staff/account?lang={lang}")
    client.user_id = user_id
    return client


def unique_username(role: Role, region: str) -> str:
    """A username no other test account has: role, region and a serial number."""
    return f"{role.value}.{region}.{next(_serials)}"
