"""Signing in (password, then the authenticator) and out."""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal import clock, navigation
from portal.accounts import service, sessions, totp
from portal.accounts.access import safe_next
from portal.accounts.forms import CodeForm, EnrolForm, LoginForm, PasswordForm
from portal.accounts.models import Role
from portal.extensions import limiter
from portal.i18n import _
from portal.text import clean_text
from portal.transaction import keep_on_error

bp = Blueprint("accounts", __name__)


def client_limit() -> str:
    return current_app.config["LIMIT_SIGN_IN_CLIENT"]


def account_limit() -> str:
    return current_app.config["LIMIT_SIGN_IN_ACCOUNT"]


def account_key() -> str:
    """Failures are also counted per account, wherever they come from; the name is normalised
    exactly as the form does, so invisible characters cannot make a fresh counter."""
    name = clean_text(request.form.get("username")).lower()
    return "account:" + hashlib.sha256(name.encode()).hexdigest()[:32]


def pending_account_key() -> str:
    """Wrong authenticator codes are counted per account too, from however many addresses."""
    state = session.get(sessions.PENDING_KEY) or {}
    return f"second-factor:{state.get('id', 'none')}"


def failed(_response) -> bool:
    return g.get("sign_in_failed", False)


def home(user) -> str:
    """Where a signed-in person starts: where their role's work starts (the case inbox, the
    identity requests, the supervisor's workspace), or else their account page."""
    endpoint = navigation.landing(user.role.value)
    if endpoint is None:
        endpoint = "supervisor.account" if user.role is Role.SUPERVISOR else "staff.account"
    return url_for(endpoint)


def step_name(user) -> str:
    """The one sign-in step this account may take now."""
    if user.must_change_password:
        return "first_password"
    if user.totp_enrolled_at is None:
        return "enrol"
    return "second_factor"


def next_step(user) -> str:
    """Where a half-signed-in user goes: new password, then enrolment, then the code."""
    name = step_name(user)
    if name == "second_factor":
        return url_for(".second_factor", next=safe_next(request.args.get("next")))
    return url_for(f".{name}")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(client_limit, methods=["POST"])
@limiter.limit(account_limit, methods=["POST"], key_func=account_key, deduct_when=failed)
def login():
    """Username and password."""
    if current_user.is_authenticated:
        return redirect(home(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.username.data, form.password.data,
                                        refuse_demo=current_app.config["ENV_NAME"] == "production")
        except service.SignInFailed:
            g.sign_in_failed = True  # counted against the account's limit
            service.record_failed_sign_in(form.username.data)
            keep_on_error()  # the failed attempt stays in the audit trail although the answer is 422
            form.password.errors = [_("The username or password is not right.")]
        else:
            if sessions.usable(user):
                sessions.remember_pending(user)
                return redirect(next_step(user))
            _refuse_out_of_term(form, user)
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


def _refuse_out_of_term(form: LoginForm, user) -> None:
    """A supervisor outside the term gave the right password: refuse, and keep the refusal audited."""
    service.record_refused_sign_in(user, "term")
    keep_on_error()  # the refused attempt stays in the audit trail although the answer is 422
    form.password.errors = [_("Your appointment as a social supervisor is not in force, so this "
                              "account cannot sign in. Please contact the education bureau.")]


def _pending_or_restart(step: str):
    """The half-signed-in account, if this is the step it may take now; otherwise None."""
    user = sessions.pending_user()
    if user is None:
        flash(_("Please sign in again."), "info")
    elif step_name(user) != step:
        return None
    return user


@bp.route("/login/password", methods=["GET", "POST"])
def first_password():
    """Replace the one-time password before anything else."""
    user = _pending_or_restart("first_password")
    if user is None:
        return redirect(url_for(".login"))
    form = PasswordForm(personal=[user.username, user.display_name])
    if form.validate_on_submit():
        try:
            service.change_own_password(user, form.current.data, form.new.data)
        except service.WrongPassword:
            form.current.errors = [_("The current password is not right.")]
        else:
            sessions.remember_pending(user)
            return redirect(next_step(user))
    return render_template("accounts/password.html", form=form), 422 if form.errors else 200


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(client_limit, methods=["POST"])
@limiter.limit(account_limit, methods=["POST"], key_func=lambda: pending_account_key(), deduct_when=failed)
def enrol():
    """Add the account to an authenticator app (QR code or typed key), then confirm a code.
    Only for an account with no authenticator yet whose one-time password has been replaced."""
    user = _pending_or_restart("enrol")
    if user is None:
        return redirect(url_for(".login"))
    secret = service.totp_secret(user) or service.begin_totp(user)
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = service.confirm_totp(user, form.code.data, clock.now())
        except service.SecondFactorFailed:
            g.sign_in_failed = True
            form.code.errors = [_("That code is not right. Check the time on your phone and try the new code.")]
        else:
            sessions.start(user)
            return render_template("accounts/recovery.html", codes=codes, home=home(user))
    keep_on_error()  # a secret just begun must outlive a wrong code, or the QR code would change each time
    uri = totp.provisioning_uri(secret, user.username)
    return render_template("accounts/enrol.html", form=form, secret=secret, qr=qr_data_uri(uri)), \
        422 if form.errors else 200


def qr_data_uri(text: str) -> str:
    """The QR code as an SVG data URI (no image files, nothing from another host)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(client_limit, methods=["POST"])
@limiter.limit(account_limit, methods=["POST"], key_func=pending_account_key, deduct_when=failed)
def second_factor():
    """The authenticator code (or a recovery code)."""
    user = _pending_or_restart("second_factor")
    if user is None:
        return redirect(url_for(".login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            used = service.verify_second_factor(user, form.code.data, clock.now())
        except service.SecondFactorFailed:
            g.sign_in_failed = True
            service.record_failed_second_factor(user)
            keep_on_error()  # the failed attempt stays in the audit trail although the answer is 422
            form.code.errors = [_("That code is not right, or it was already used.")]
        else:
            sessions.start(user)
            service.record_signed_in(user, used)
            return redirect(safe_next(request.args.get("next")) or home(user))
    return render_template("accounts/code.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout():
    """Sign out, ending every session of this account, wherever it was opened."""
    if current_user.is_authenticated:
        service.sign_out(current_user._get_current_object())
    sessions.end()
    flash(_("You have signed out."), "info")
    return redirect(url_for(".login"))
