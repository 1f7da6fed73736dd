"""Recording how and when a case's written reply reached the reporter (送达)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.casework import queries
from portal.casework.models import ReplyDelivery
from portal.i18n import _
from portal.reply_delivery import service as delivery
from portal.reply_delivery.forms import DeliveryForm

bp = Blueprint("reply_delivery", __name__, url_prefix="/staff")
DAY_ERRORS = {"before": lambda: _("The reply cannot have been received before the day it was made."),
              "future": lambda: _("The day cannot be in the future.")}


@bp.route("/cases/<int:complaint_id>/reply-delivery", methods=["GET", "POST"])
@staff_required(*delivery.RECORDERS)
def page(complaint_id: int):
    """Record a delivery of the reply by post or in person, or see when it reached the reporter."""
    user = current_user._get_current_object()
    complaint = queries.case_for_staff(user, complaint_id, for_update=request.method == "POST")
    allowed = delivery.may_record(complaint, user)
    form = DeliveryForm()
    if request.method == "POST" and not allowed:
        flash(_("A delivery cannot be recorded on this case now: it has no written reply waiting, it is "
                "handled by another office, or you stepped aside from it. Nothing was saved."), "error")
    elif allowed and form.validate_on_submit():
        try:
            delivery.record(complaint, user, ReplyDelivery(form.how.data), form.day.data)
        except delivery.BadDeliveryDay as wrong:
            form.day.errors = [DAY_ERRORS[wrong.args[0]]()]
        else:
            flash(_("Recorded. The time to ask for a review runs from the day the reply was first received."),
                  "success")
            return redirect(url_for("casework.case", complaint_id=complaint.id))
    status = 200 if request.method == "GET" else (409 if not allowed else 422)
    return render_template("reply_delivery/page.html", complaint=complaint, form=form if allowed else None,
                           shown=delivery.panel(complaint, user)), status
