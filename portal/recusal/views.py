"""Declaring an interest in a case, and the office's list of declarations."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.casework import queries
from portal.i18n import _
from portal.recusal import service as recusal
from portal.recusal.forms import DeclarationForm

bp = Blueprint("recusal", __name__, url_prefix="/staff")


def _user():
    return current_user._get_current_object()


@bp.route("/cases/<int:complaint_id>/recusal", methods=["GET", "POST"])
@staff_required(*recusal.DECLARERS)
def declare(complaint_id: int):
    """Step aside from a case (回避): from then on every step on it is refused to you."""
    user = _user()
    complaint = queries.case_for_staff(user, complaint_id, for_update=request.method == "POST")
    mine = recusal.declared(user, "complaint", complaint.id)
    form = DeclarationForm()
    if mine is None and form.validate_on_submit():
        recusal.declare(complaint, user, form.reason.data)
        flash(_("Recorded: you have stepped aside from this case and can no longer act on it."), "success")
        return redirect(url_for("casework.case", complaint_id=complaint.id))
    status = 200 if request.method == "GET" else (409 if mine else 422)
    return render_template("recusal/declare.html", complaint=complaint, form=form, mine=mine), status


@bp.get("/recusals")
@staff_required(*recusal.DECLARERS)
def index():
    """Who stepped aside from which case in the jurisdiction, and why."""
    return render_template("recusal/index.html", declarations=recusal.in_jurisdiction(_user()))
