"""Administrators manage the accounts of their jurisdiction: list, create, reset, disable, the
notification email and the head-of-office permission; and the second administrator's decisions
on privileged accounts and permissions (`grants`)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts import service
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.i18n import _
from portal.regions import service as regions
from portal.security import audit
from portal.staffing import grants
from portal.staffing.forms import EmailForm, GrantDecisionForm, NewUserForm, OfficeHeadForm, ReasonForm

bp = Blueprint("staffing", __name__, url_prefix="/staff")


def _admin():
    return current_user._get_current_object()


@bp.get("/users")
@staff_required(Role.ADMIN)
def users():
    """The accounts of the administrator's jurisdiction."""
    users = service.users_in_jurisdiction(_admin())
    places = regions.by_codes(user.region_code for user in users)
    return render_template("staffing/users.html", users=users, places=places,
                           waiting=len(grants.waiting_for(_admin())))


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
            role = Role(form.role.data)
            try:
                if grants.needs_approval(role):
                    user, first = grants.request_account(
                        _admin(), form.username.data, form.display_name.data, role, region.code,
                        form.certificate_number.data, form.email.data, form.reason.data)
                else:
                    user, one_time = service.create_user(
                        form.username.data, form.display_name.data, role, region.code,
                        form.certificate_number.data, actor=f"user:{_admin().id}", email=form.email.data)
            except service.AccountError as exc:
                form.username.errors = [_("This username is taken.") if str(exc) == "taken" else
                                        _("Use 3–40 lower-case letters, digits, dots, dashes or underscores.")]
            else:
                if grants.needs_approval(role):
                    return render_template("staffing/one_time_password.html", user=user, one_time=first,
                                           half="first")
                return render_template("staffing/one_time_password.html", user=user, one_time=one_time)
    return render_template("staffing/new_user.html", form=form), 422 if form.errors else 200


def _user_page(user, form=None, email_form=None, head_form=None, status: int = 200, registry_form=None):
    return render_template("staffing/user.html", user=user, form=form or ReasonForm(),
                           head_form=head_form or OfficeHeadForm(prefix="head", grant="0" if user.office_head else "1"),
                           registry_form=registry_form or OfficeHeadForm(
                               prefix="registry", grant="0" if user.registry_officer else "1"),
                           may_make_registry_officer=service.may_make_registry_officer(_admin(), user),
                           email_form=email_form or EmailForm(email=user.email),
                           history=audit.for_object("user", user.id)[-20:],
                           grants=grants.on_account(user),
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
    if grant:  # a power that checks other people's work: a second administrator approves it
        if not service.may_make_office_head(_admin(), user) or user.office_head:
            raise service.NotYoursToManage(user.id)
        try:
            grants.request_office_head(_admin(), user, form.reason.data)
        except grants.PendingAlready:
            flash(_("A request on this account already waits for a second administrator."), "error")
        else:
            flash(_("Asked: the account becomes head of the office once an administrator above you "
                    "approves."), "success")
        return redirect(url_for(".user_detail", user_id=user.id))
    service.set_office_head(_admin(), user, False, form.reason.data)  # refused if the page was out of date
    flash(_("The head-of-office permission was withdrawn."), "success")
    return redirect(url_for(".user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/registry-officer")
@staff_required(Role.ADMIN)
def registry_officer(user_id: int):
    """Grant or withdraw the registry officer permission (keeping the registry of institutions)."""
    user = service.get_to_manage(_admin(), user_id)
    form = OfficeHeadForm(prefix="registry")
    if not form.validate_on_submit():
        return _user_page(user, registry_form=form, status=422)
    granted = form.grant.data == "1"
    service.set_registry_officer(_admin(), user, granted, form.reason.data)  # refused if the page was out of date
    flash(_("The account now keeps the registry of its jurisdiction.") if granted else
          _("The registry officer permission was withdrawn."), "success")
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
    if grants.needs_approval(user.role):
        try:
            first = grants.request_reset(_admin(), user, form.reason.data)
        except grants.PendingAlready:
            flash(_("A request on this account already waits for a second administrator."), "error")
            return redirect(url_for(".user_detail", user_id=user.id))
        return render_template("staffing/one_time_password.html", user=user, one_time=first, half="first")
    one_time = service.reset_credentials(user, actor, form.reason.data)
    return render_template("staffing/one_time_password.html", user=user, one_time=one_time)


@bp.get("/grants")
@staff_required(Role.ADMIN)
def grants_waiting():
    """Requests of administrators below (or beside, at the top) waiting for this one's decision."""
    return render_template("staffing/grants.html", waiting=grants.waiting_for(_admin()))


@bp.route("/grants/<int:grant_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def grant_detail(grant_id: int):
    """One request: who asked what for whom and why; the decision, if this administrator may take it."""
    grant = grants.get(_admin(), grant_id)
    may_decide = grants.may_decide(_admin(), grant)
    form = GrantDecisionForm()
    if request.method == "POST":
        if not may_decide:
            abort(403)
        if form.validate_on_submit():
            second = grants.decide(_admin(), grant, form.approves, form.note.data)
            if second is not None:
                return render_template("staffing/one_time_password.html", user=grant.user, one_time=second,
                                       half="second")
            flash(_("Approved.") if form.approves else _("Refused. The account stays as it was."), "success")
            return redirect(url_for(".grants_waiting"))
    return render_template("staffing/grant.html", grant=grant, form=form, may_decide=may_decide,
                           place=regions.get(grant.region_code)), 422 if form.errors else 200
