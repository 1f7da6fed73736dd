"""The back office's account pages: your own account, and administrators' user management."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts import service, sessions
from portal.accounts.access import staff_required
from portal.accounts.admin_forms import EmailForm, NewUserForm, OfficeHeadForm, ReasonForm
from portal.accounts.forms import PasswordForm
from portal.accounts.models import Role
from portal.i18n import _
from portal.regions import service as regions
from portal.security import audit
from portal.security.audit_labels import action_label

bp = Blueprint("staff", __name__, url_prefix="/staff")

# Audit actions in words for templates (`{{ entry.action|audit_action }}`); one table for all actions.
bp.add_app_template_filter(action_label, "audit_action")


@bp.route("/account", methods=["GET", "POST"])
@staff_required()
def account():
    """Who you are signed in as, your jurisdiction, and changing your password."""
    user = current_user._get_current_object()
    form = PasswordForm(personal=[user.username, user.display_name])
    if form.validate_on_submit():
        try:
            service.change_own_password(user, form.current.data, form.new.data)
        except service.WrongPassword:
            form.current.errors = [_("The current password is not right.")]
        else:
            sessions.start(user)  # this session goes on; every other one has ended
            flash(_("Your password was changed. Other sessions of your account have ended."), "success")
            return redirect(url_for(".account"))
    return render_template("accounts/account.html", user=user, form=form,
                           recovery_left=service.recovery_codes_left(user),
                           jurisdiction=regions.get(user.region_code)), 422 if form.errors else 200


def _admin():
    return current_user._get_current_object()


@bp.get("/users")
@staff_required(Role.ADMIN)
def users():
    """The accounts of the administrator's jurisdiction."""
    users = service.users_in_jurisdiction(_admin())
    places = regions.by_codes(user.region_code for user in users)
    return render_template("accounts/users.html", users=users, places=places)


@bp.route("/users/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_user():
    """Create an account inside the administrator's jurisdiction; its one-time password is shown once."""
    form = NewUserForm()
    if form.validate_on_submit():
        region = form.region.region
        if not service.covers(_admin(), region.code):
            form.region.errors = [_("Choose a place inside your own jurisdiction.")]
        else:
            try:
                user, one_time = service.create_user(
                    form.username.data, form.display_name.data, Role(form.role.data), region.code,
                    form.certificate_number.data, actor=f"user:{_admin().id}", email=form.email.data)
            except service.AccountError as exc:
                form.username.errors = [_("This username is taken.") if str(exc) == "taken" else
                                        _("Use 3–40 lower-case letters, digits, dots, dashes or underscores.")]
            else:
                return render_template("accounts/one_time_password.html", user=user, one_time=one_time)
    return render_template("accounts/new_user.html", form=form), 422 if form.errors else 200


def _user_page(user, form=None, email_form=None, head_form=None, status: int = 200):
    return render_template("accounts/user.html", user=user, form=form or ReasonForm(),
                           head_form=head_form or OfficeHeadForm(prefix="head", grant="0" if user.office_head else "1"),
                           email_form=email_form or EmailForm(email=user.email),
                           history=audit.for_object("user", user.id)[-20:],
                           jurisdiction=regions.get(user.region_code),
                           may_manage=service.may_manage(_admin(), user),
                           may_make_office_head=service.may_make_office_head(_admin(), user),
                           may_set_email=service.may_set_email(_admin(), user)), status


@bp.get("/users/<int:user_id>")
@staff_required(Role.ADMIN)
def user_detail(user_id: int):
    """One account of the jurisdiction, with its recent audit entries and the actions."""
    return _user_page(service.get_in_jurisdiction(_admin(), user_id))


@bp.post("/users/<int:user_id>/email")
@staff_required(Role.ADMIN)
def user_email(user_id: int):
    """Set or clear where an account's notifications go."""
    user = service.get_to_set_email(_admin(), user_id)
    form = EmailForm()
    if not form.validate_on_submit():
        return _user_page(user, email_form=form, status=422)
    service.set_email(user, form.email.data, f"user:{_admin().id}")
    flash(_("The notification email was saved."), "success")
    return redirect(url_for(".user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/office-head")
@staff_required(Role.ADMIN)
def office_head(user_id: int):
    """Grant or withdraw the head-of-office permission (approving extensions), with a reason."""
    user = service.get_to_manage(_admin(), user_id)
    form = OfficeHeadForm(prefix="head")
    if not form.validate_on_submit():
        return _user_page(user, head_form=form, status=422)
    grant = form.grant.data == "1"
    service.set_office_head(_admin(), user, grant, form.reason.data)  # refused if the page was out of date
    flash(_("The account may now approve what the head of the office approves.") if grant
          else _("The head-of-office permission was withdrawn."), "success")
    return redirect(url_for(".user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/<any(disable, reset):action>")
@staff_required(Role.ADMIN)
def user_action(user_id: int, action: str):
    """Disable an account, or reset its password and authenticator (both end its sessions)."""
    user = service.get_to_manage(_admin(), user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _user_page(user, form=form, status=422)
    actor = f"user:{_admin().id}"
    if action == "disable":
        service.disable(user, actor, form.reason.data)
        flash(_("The account is disabled and its sessions have ended."), "success")
        return redirect(url_for(".user_detail", user_id=user.id))
    one_time = service.reset_credentials(user, actor, form.reason.data)
    return render_template("accounts/one_time_password.html", user=user, one_time=one_time)
