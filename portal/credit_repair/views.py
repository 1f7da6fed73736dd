"""The public side of credit repair: a penalised party applies online and follows its application
with the receipt code (sent in a form, never in an address)."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from portal import clock
from portal.credit_repair import applications
from portal.credit_repair.forms import ApplicationForm, TrackForm
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.filing_limits import service as limits
from portal.i18n import _
from portal.intake.uploads import clean_uploads
from portal.security import receipts

bp = Blueprint("credit_repair", __name__)


@bp.route("/credit-repair/apply", methods=["GET", "POST"])
@limits.complaint_posts
def apply():
    """Apply for credit repair of a published penalty decision."""
    form = ApplicationForm()
    if request.method == "POST" and form.validate_on_submit():
        files = clean_uploads(form.files)
        if files is not None:
            try:
                _application, code = applications.apply(form.decision_number.data, form.uscc.data,
                                                        form.statement.data, files)
            except applications.DecisionNotFound:
                form.decision_number.errors = [_("No published penalty decision has this number and this code.")]
            except applications.ApplicationPending:
                form.decision_number.errors = [_("An application for this decision is waiting for its decision.")]
            else:
                return render_template("credit_repair/receipt.html", code=receipts.display(code))
    return render_template("credit_repair/apply.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/credit-repair/track", methods=["GET", "POST"])
@limits.receipt_lookups
def track():
    """Follow an application with its receipt code."""
    form, application, disclosure = TrackForm(), None, None
    if request.method == "POST" and form.validate_on_submit():
        try:
            application = applications.track(form.code.data)
        except applications.ApplicationNotFound:
            form.code.errors = [_("No application has this receipt code.")]
        else:
            disclosure = db.session.get(Disclosure, application.disclosure_id)
    status = 422 if request.method == "POST" and application is None else 200
    return render_template("credit_repair/track.html", form=form, application=application, disclosure=disclosure,
                           today=clock.today()), status
