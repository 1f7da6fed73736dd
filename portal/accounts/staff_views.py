"""The back office's account page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts import passwords, service, sessions
from portal.accounts.access import staff_required
from portal.accounts.forms import PasswordForm
from portal.accounts.models import RecoveryCode
from portal.extensions import db
from portal.i18n import _
from portal.regions import service as regions

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/account", methods=["GET", "POST"])
@staff_required()
def account():
    """Who you are signed in as, your jurisdiction, and changing your password."""
    user = current_user._get_current_object()
    form = PasswordForm(personal=[user.username, user.display_name])
    if form.validate_on_submit():
        if not passwords.verify_password(user.password_hash, form.current.data):
            form.current.errors = [_("The current password is not right.")]
        else:
            service.change_password(user, form.new.data)
            sessions.start(user)  # this session goes on; every other one has ended
            db.session.commit()
            flash(_("Your password was changed. Other sessions of your account have ended."), "success")
            return redirect(url_for(".account"))
    unused = db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
    return render_template("staff/account.html", user=user, form=form, recovery_left=unused,
                           jurisdiction=regions.get(user.region_code)), 422 if form.errors else 200
