"""The back office's own-account page (administrators manage accounts in `portal.staffing`)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts import service, sessions
from portal.accounts.access import staff_required
from portal.accounts.forms import PasswordForm
from portal.i18n import _
from portal.regions import service as regions
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
