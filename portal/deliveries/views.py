"""/staff/outbox: administrators see the messages of their jurisdiction that are not sent yet."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.deliveries import service
from portal.deliveries.forms import RetryForm
from portal.i18n import _

bp = Blueprint("deliveries", __name__, url_prefix="/staff/outbox")


@bp.get("")
@staff_required(Role.ADMIN)
def index():
    admin = current_user._get_current_object()
    return render_template("deliveries/index.html", counts=service.counts(admin), messages=service.unsent(admin),
                           form=RetryForm())


@bp.post("/<int:message_id>/retry")
@staff_required(Role.ADMIN)
def retry(message_id: int):
    form = RetryForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return redirect(url_for(".index"))
    service.retry(current_user._get_current_object(), message_id)
    flash(_("Message %(id)d is waiting to be sent again.", id=message_id), "success")
    return redirect(url_for(".index"))
