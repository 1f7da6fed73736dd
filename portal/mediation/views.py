"""The parent's part on the tracking page: the mediation's state and clocks, and once there is an
agreement, whether the money arrived; then the rating."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, flash, g, redirect, render_template, session, url_for
from markupsafe import Markup

from portal import clock
from portal.casework.models import Complaint, Rating
from portal.db import writes
from portal.extensions import csrf
from portal.i18n import _
from portal.intake import tracking
from portal.mediation import queries, service
from portal.mediation.forms import ARRIVED, MediationRatingForm, PaymentForm

bp = Blueprint("mediation_public", __name__)
FORMS_KEY = "mediation_forms"  # a form sent back for correction, for the tracking page's part


def with_tracked_case(view):
    """The case this browser follows (intake's grant); without one, back to the receipt form."""
    @wraps(view)
    @writes
    def wrapped(*args, **kwargs):
        try:
            complaint = tracking.complaint_for_grant(session.get(tracking.GRANT_KEY), clock.now())
        except tracking.GrantExpired:
            session.pop(tracking.GRANT_KEY, None)
            return redirect(url_for("complaints.track"))
        return view(complaint, *args, **kwargs)
    return wrapped


def tracking_part(complaint: Complaint) -> Markup:
    """The tracking page's mediation section (a template global intake's case page calls)."""
    found = queries.for_reporter(complaint)
    if found is None:
        return Markup("")
    forms = g.get(FORMS_KEY, {})
    return Markup(render_template("mediation/tracking.html", complaint=complaint, found=found,
                                  payment_form=forms.get("payment") or PaymentForm(prefix="payment"),
                                  rating_form=forms.get("rating") or MediationRatingForm(prefix="mrating"),
                                  may_rate=service.may_rate(found.record)))


def _again(name: str, form):
    """The tracking page again (intake's own view draws it), this form with its message, 422."""
    g.setdefault(FORMS_KEY, {})[name] = form
    body, _status = current_app.view_functions["complaints.case"]()
    return body, 422


def _locked(complaint: Complaint):
    return tracking.lock(complaint), service.for_complaint(complaint, for_update=True)


@bp.post("/track/mediation/payment")
@csrf.exempt
@with_tracked_case
def payment(complaint):
    """The parent says whether the agreed money arrived."""
    form = PaymentForm(prefix="payment")
    complaint, record = _locked(complaint)
    if record is None or record.state.value != "agreed":
        flash(_("This is not possible now: the page was out of date. It shows the case as it is now."), "info")
        return redirect(url_for("complaints.case"))
    if not form.validate_on_submit():
        return _again("payment", form)
    arrived = form.arrived.data == ARRIVED
    service.confirm_payment(record, complaint, arrived)
    flash(_("Thank you. You confirmed that the money arrived.") if arrived else
          _("Recorded: the money did not arrive. The office reopens the dispute."), "success")
    return redirect(url_for("complaints.case"))


@bp.post("/track/mediation/rating")
@csrf.exempt
@with_tracked_case
def rate(complaint):
    """The parent rates the mediation, once."""
    form = MediationRatingForm(prefix="mrating")
    complaint, record = _locked(complaint)
    if not service.may_rate(record):
        flash(_("This is not possible now: the page was out of date. It shows the case as it is now."), "info")
        return redirect(url_for("complaints.case"))
    if not form.validate_on_submit():
        return _again("rating", form)
    service.rate(record, complaint, Rating(form.rating.data))
    flash(_("Thank you. Your rating of the mediation was recorded."), "success")
    return redirect(url_for("complaints.case"))
