"""The extension page of a case: a handler's request, the head of the office's decision."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework import queries
from portal.deadline_extensions import service as extensions
from portal.deadline_extensions.forms import APPROVE, DecisionForm, RequestForm
from portal.i18n import _

bp = Blueprint("deadline_extensions", __name__, url_prefix="/staff")
ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)


def _user():
    return current_user._get_current_object()


def _page(complaint, form=None, decision_form=None, message: str = "", status: int = 200):
    user, today = _user(), clock.today()
    waiting = extensions.pending(complaint)
    may_request = extensions.may_request(complaint, user, today)
    may_decide = waiting is not None and extensions.may_decide(waiting, user)
    return render_template(
        "deadline_extensions/page.html", complaint=complaint, requests=extensions.requests_on(complaint),
        pending=waiting, form=(form or RequestForm(max_days=extensions.max_days(complaint))) if may_request else None,
        decision_form=(decision_form or DecisionForm()) if may_decide else None, message=message,
        asked_by_me=waiting is not None and waiting.requested_by_id == user.id), status


@bp.get("/extensions")
@staff_required(*ROLES)
def queue():
    """Extension requests waiting in the jurisdiction: the head of the office decides them."""
    user = _user()
    return render_template("deadline_extensions/queue.html", waiting=extensions.waiting_in(user),
                           decidable={r.id for r in extensions.waiting_in(user) if extensions.may_decide(r, user)})


@bp.route("/cases/<int:complaint_id>/extension", methods=["GET", "POST"])
@staff_required(*ROLES)
def page(complaint_id: int):
    """Ask for an extension (a handler), or see where the request stands."""
    complaint = queries.case_for_staff(_user(), complaint_id, for_update=request.method == "POST")
    if request.method == "GET":
        return _page(complaint)
    if not extensions.may_request(complaint, _user(), clock.today()):
        return _page(complaint, message=_("An extension cannot be asked for now: the case is not being handled, "
                                          "it was extended already, a request is waiting, or its time limit has "
                                          "run out. Nothing was saved."), status=409)
    form = RequestForm(max_days=extensions.max_days(complaint))
    if not form.validate_on_submit():
        return _page(complaint, form=form, status=422)
    extensions.request(complaint, _user(), form.days.data, form.reason.data)
    flash(_("Your request was sent to the head of the office. Until they approve it, the time limit stands."),
          "success")
    return redirect(url_for("casework.case", complaint_id=complaint.id))


@bp.post("/cases/<int:complaint_id>/extension/decision")
@staff_required(*ROLES)
def decide(complaint_id: int):
    """The head of the office approves or refuses the request waiting on the case."""
    complaint = queries.case_for_staff(_user(), complaint_id, for_update=True)
    found = extensions.pending(complaint)
    if found is None:
        return _page(complaint, message=_("No extension request is waiting on this case: it may have been "
                                          "decided a moment ago. Nothing was saved."), status=409)
    if not extensions.may_decide(found, _user()):
        own = found.requested_by_id == _user().id
        return _page(complaint, message=_("You asked for this extension: the head of the office, someone else, "
                                          "decides on it.") if own else
                     _("Only the head of the office handling this case can decide on an extension, and only while "
                       "it waits. Nothing was saved."), status=409)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _page(complaint, decision_form=form, status=422)
    approve = form.decision.data == APPROVE
    try:
        extensions.decide(found, complaint, _user(), approve, form.note.data)
    except extensions.ExtensionNotOpen:
        return _page(complaint, message=_("The case can no longer be extended: it is no longer being handled, or "
                                          "its time limit has run out. Nothing was saved."), status=409)
    flash(_("Approved: the time limit is extended and the reporter is told why.") if approve
          else _("Refused: the time limit stands."), "success")
    return redirect(url_for("casework.case", complaint_id=complaint.id))
