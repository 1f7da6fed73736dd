"""Signing in (password, then the authenticator) and out."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_login import current_user

from portal import clock, navigation, ratelimits
from portal.accounts import alerts, service, sessions, throttle, totp
from portal.accounts.access import safe_next
from portal.accounts.forms import CodeForm, EnrolForm, LoginForm, PasswordForm
from portal.accounts.models import Role
from portal.extensions import limiter
from portal.i18n import _
from portal.transaction import keep_on_error

bp = Blueprint("accounts", __name__)


def client_limit() -> str:
    return current_app.config["LIMIT_SIGN_IN_CLIENT"]


def _wait(form_field, refused: throttle.Refused) -> int:
    """The refusal beside the field; the page answers 429 with Retry-After (nothing was checked)."""
    local = refused.until.astimezone(clock.zone())
    form_field.errors = [_("Too many wrong attempts for this account. Try again after %(time)s, or sign in "
                           "from a browser you have signed in with before.", time=format_time(local, "short"))]
    g.retry_after = refused.seconds
    return 429


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
@ratelimits.hide_counts
def login():
    """Username and password."""
    if current_user.is_authenticated:
        return redirect(home(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        account = throttle.account_key(form.username.data)
        refused = throttle.refused(throttle.PASSWORD, account)
        if refused is not None:
            status = _wait(form.password, refused)
            return render_template("accounts/login.html", form=form), status
        try:
            user = service.authenticate(form.username.data, form.password.data,
                                        refuse_demo=current_app.config["ENV_NAME"] == "production")
        except service.SignInFailed:
            throttle.failed(throttle.PASSWORD, account)  # counted against this browser's allowance
            service.record_failed_sign_in(form.username.data)
            keep_on_error()  # the failed attempt stays in the audit trail although the answer is 422
            form.password.errors = [_("The username or password is not right.")]
        except service.OneTimePasswordExpired as expired:
            service.record_refused_sign_in(expired.user, "one_time_password_expired")
            keep_on_error()  # the refusal stays in the audit trail although the answer is 422
            form.password.errors = [_("This one-time password has expired. Ask an administrator of your "
                                      "jurisdiction for a new one.")]
        else:
            if sessions.usable(user):
                sessions.remember_pending(user)
                return redirect(next_step(user))
            _refuse_out_of_term(form, user)
    return render_template("accounts/login.html", form=form), 422 if form.errors else status


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
@ratelimits.hide_counts
def enrol():
    """Add the account to an authenticator app (QR code or typed key), then confirm a code.
    Only for an account with no authenticator yet whose one-time password has been replaced."""
    user = _pending_or_restart("enrol")
    if user is None:
        return redirect(url_for(".login"))
    secret = service.totp_secret(user) or service.begin_totp(user)
    form = EnrolForm()
    status = 200
    if form.validate_on_submit():
        account = throttle.account_key(user.username)
        refused = throttle.refused(throttle.SECOND_FACTOR, account)
        if refused is not None:
            status = _wait(form.code, refused)
        else:
            try:
                codes = service.confirm_totp(user, form.code.data, clock.now())
            except service.SecondFactorFailed:
                throttle.failed(throttle.SECOND_FACTOR, account)
                form.code.errors = [_("That code is not right. Check the time on your phone and try the new code.")]
            else:
                sessions.start(user)
                throttle.remember_device(account)
                return render_template("accounts/recovery.html", codes=codes, home=home(user))
    keep_on_error()  # a secret just begun must outlive a wrong code, or the QR code would change each time
    uri = totp.provisioning_uri(secret, user.username)
    if form.errors and status == 200:
        status = 422
    return render_template("accounts/enrol.html", form=form, secret=secret, qr=qr_data_uri(uri)), status


def qr_data_uri(text: str) -> str:
    """The QR code as an SVG data URI (no image files, nothing from another host)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(client_limit, methods=["POST"])
@ratelimits.hide_counts
def second_factor():
    """The authenticator code (or a recovery code)."""
    user = _pending_or_restart("second_factor")
    if user is None:
        return redirect(url_for(".login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        account = throttle.account_key(user.username)
        refused = throttle.refused(throttle.SECOND_FACTOR, account)
        if refused is not None:
            status = _wait(form.code, refused)
            return render_template("accounts/code.html", form=form), status
        try:
            used = service.verify_second_factor(user, form.code.data, clock.now())
        except service.SecondFactorFailed:
            throttle.failed(throttle.SECOND_FACTOR, account)
            service.record_failed_second_factor(user)
            alerts.second_factor_failed(user)  # the owner is told when wrong codes mount up
            keep_on_error()  # the failed attempt (and any warning queued) stays although the answer is 422
            form.code.errors = [_("That code is not right, or it was already used.")]
        else:
            failures = alerts.failures_since_sign_in(user)
            sessions.start(user)
            throttle.remember_device(account)
            service.record_signed_in(user, used)
            if failures:
                flash(_("%(count)d wrong authenticator codes were entered for your account since it was last "
                        "signed in. If that was not you, someone knows your password: change it now and tell "
                        "your administrator.", count=failures), "error")
            return redirect(safe_next(request.args.get("next")) or home(user))
    return render_template("accounts/code.html", form=form), 422 if form.errors else status


@bp.post("/logout")
def logout():
    """Sign out, ending every session of this account, wherever it was opened."""
    if current_user.is_authenticated:
        service.sign_out(current_user._get_current_object())
    sessions.end()
    flash(_("You have signed out."), "info")
    return redirect(url_for(".login"))
