"""Signed-in sessions: what they hold, how long they last, and when they are refused."""
from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, current_app, session
from flask_login import login_user, logout_user

from portal.accounts.models import User
from portal.extensions import db

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 3600
PENDING_KEY = "pending_sign_in"
PENDING_SECONDS = 10 * 60


# Flask-WTF's secret behind the forms' tokens (a token made before a sign-in must not work after it)
# and Flask-Login's `_id`, an unkeyed hash of the address and browser that anyone holding the
# (signed, not encrypted) cookie could read and test addresses against; the portal never uses it.
CSRF_KEY = "csrf_token"
CLIENT_HASH_KEY = "_id"


def rotate_form_secret() -> None:
    """A new secret behind the forms' tokens: pages opened before this step stop working."""
    session.pop(CSRF_KEY, None)


def start(user: User) -> None:
    """Sign the user in: the session remembers the account's session version and the time, and
    gets a new secret for its forms' tokens."""
    session.pop(PENDING_KEY, None)
    rotate_form_secret()
    login_user(user)
    session.pop(CLIENT_HASH_KEY, None)
    now = int(time.time())
    session["account"] = {"version": user.session_version, "since": now, "seen": now}


def add_sign_in_check(app: Flask, check: Callable[[User], bool]) -> None:
    """Let a feature add a condition every sign-in and every request's session must meet
    (social supervisors add "only during the term")."""
    app.extensions.setdefault("portal.sign_in_checks", []).append(check)


def usable(user: User) -> bool:
    """Active, and passing every check a feature added (a supervisor's term, say)."""
    return user.active and all(check(user) for check in current_app.extensions.get("portal.sign_in_checks", []))


def load(user_id: str) -> User | None:
    """Flask-Login's loader: the user, if the session is still good (not ended, idle or old)."""
    state = session.get("account")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    now = int(time.time())
    if (user is None or not usable(user) or user.must_change_password or user.totp_enrolled_at is None
            or not state or state.get("version") != user.session_version
            or now - state.get("seen", 0) > IDLE_SECONDS or now - state.get("since", 0) > ABSOLUTE_SECONDS):
        return None
    session["account"] = {**state, "seen": now}
    return user


def end() -> None:
    logout_user()
    session.clear()


def remember_pending(user: User) -> None:
    """Between the password and the second factor, the session knows whose sign-in it is (with a
    new secret for its forms' tokens)."""
    rotate_form_secret()
    session[PENDING_KEY] = {"id": user.id, "version": user.session_version, "since": int(time.time())}


def pending_user() -> User | None:
    state = session.get(PENDING_KEY)
    if not state or int(time.time()) - state.get("since", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, state["id"])
    if user is None or not usable(user) or user.session_version != state["version"]:
        return None
    return user
