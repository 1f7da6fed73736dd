"""The back office's identity custody pages: a handler's request to see a named reporter, the
custodian's queue and decision, and the approved handler's view of the identity."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import clock, workflow
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework import queries
from portal.custody import service as custody
from portal.custody.forms import DecisionForm, RequestForm
from portal.custody.models import RequestState
from portal.i18n import _
from portal.security import crypto
from portal.staffing import grants

bp = Blueprint("custody", __name__, url_prefix="/staff")

def _user():
    return current_user._get_current_object()


def _case(complaint_id: int):
    """The case in the officer's jurisdiction; any other answers 404 through the error handler."""
    return queries.case_for_staff(_user(), complaint_id)


def _request_page(complaint, form=None, identity_request=None, mode: str = "request", message: str = "",
                  status: int = 200):
    return render_template("custody/request.html", complaint=complaint, form=form, mode=mode,
                           identity_request=identity_request, message=message,
                           reason_max=custody.REASON_MAX, note_max=custody.NOTE_MAX), status


@bp.route("/cases/<int:complaint_id>/identity-requests", methods=["GET", "POST"])
@staff_required(Role.HANDLER)
def new(complaint_id: int):
    """File a written request to see the reporter's identity (the case page carries the same form)."""
    user, complaint = _user(), _case(complaint_id)
    refused = 409 if request.method == "POST" else 200
    if complaint.anonymous:
        return _request_page(complaint, status=refused, message=_(
            "The reporter stayed anonymous: there is no identity to reveal."))
    mine = custody.latest_request(complaint, user)
    if mine is not None and custody.is_open(mine, clock.now()):
        return _request_page(complaint, identity_request=mine, status=refused, message=_already(mine))
    form = RequestForm()
    if form.validate_on_submit():
        try:
            custody.request_reveal(complaint, user, form.reason.data)
        except custody.ReasonRequired:
            form.reason.errors = [_("Say why you need to know who the reporter is.")]
        except custody.AlreadyRequested:
            return _request_page(complaint, status=409, message=_(
                "You already have a request on this case waiting for a custodian, or an approval still running."))
        else:
            flash(_("Your request was sent to the identity custodians."), "success")
            return redirect(url_for("casework.case", complaint_id=complaint.id))
    return _request_page(complaint, form, status=422 if request.method == "POST" else 200)


def _already(mine) -> str:
    if mine.state is RequestState.PENDING:
        return _("You already have a request on this case waiting for a custodian.")
    return _("Your request was approved: you may view the identity until %(time)s.",
             time=format_datetime(mine.expires_at, "medium"))


@bp.get("/identity-requests")
@staff_required(Role.CUSTODIAN)
def queue():
    """Requests waiting for a decision in the custodian's jurisdiction, newest first, and recent
    decisions: case, who asks and why; never the identity."""
    return render_template("custody/requests.html", queue=custody.queue(_user()),
                           key_configured=custody.key_configured(), now=clock.now())


@bp.route("/identity-requests/<int:request_id>", methods=["GET", "POST"])
@staff_required(Role.CUSTODIAN)
def decide(request_id: int):
    """Approve a request (the handler may view the identity for 24 hours) or deny it with a note."""
    user = _user()
    identity_request = custody.for_custodian(user, request_id)
    complaint = identity_request.complaint
    refused = 409 if request.method == "POST" else 200
    if identity_request.state is not RequestState.PENDING:
        return _request_page(complaint, identity_request=identity_request, mode="decide", status=refused,
                             message=_("This request has been decided."))
    # The page shows no form to a custodian the service would refuse (their own request, made
    # before their role changed); the service checks again when the form is sent.
    if not custody.may_decide(complaint, identity_request, user):
        if not grants.settled(user):  # a custodian made or reset lately: say until when
            return _request_page(complaint, identity_request=identity_request, mode="decide", status=403,
                                 message=_("Your account was created or reset recently: it may approve a reveal "
                                           "%(hours)s hours after that, from %(when)s.",
                                           hours=current_app.config["PRIVILEGE_WAITING_HOURS"],
                                           when=format_datetime(grants.settled_from(user))))
        if workflow.vetoed(user, "identity_request", identity_request):
            return _request_page(complaint, identity_request=identity_request, mode="decide", status=409,
                                 message=_("You stepped aside from this request or its case (回避): another "
                                           "custodian decides it."))
        abort(403)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            custody.decide(identity_request, user, form.approves, form.note.data)
        except custody.ReasonRequired:
            form.note.errors = [_("Say why the request is denied.")]
        except custody.AlreadyDecided:
            return _request_page(complaint, identity_request=identity_request, mode="decide", status=409,
                                 message=_("This request has been decided."))
        else:
            flash(_("Approved: the handler may view the identity for 24 hours.") if form.approves
                  else _("Denied. The handler sees your note."), "success")
            return redirect(url_for(".queue"))
    return _request_page(complaint, form, identity_request, mode="decide",
                         status=422 if request.method == "POST" else 200)


def _identity_page(page: dict, status: int = 200):
    response = make_response(render_template("custody/identity.html", **page), status)
    response.headers["Cache-Control"] = "no-store"  # never kept by the browser or a proxy
    return response


@bp.get("/cases/<int:complaint_id>/identity")
@staff_required(Role.HANDLER)
def identity(complaint_id: int):
    """Where the approved handler opens the reporter's identity (a POST, recorded), or why they cannot.
    Looking at this page changes nothing and records nothing."""
    user, complaint = _user(), _case(complaint_id)
    page = {"complaint": complaint, "revealed": None, "problem": None, "identity_request": None, "form": FlaskForm()}
    approval = custody.live_request(complaint, user, clock.now()) if custody.may_request(complaint, user) else None
    if complaint.anonymous:
        page["problem"] = "anonymous"
    elif approval is None:
        page["problem"], page["identity_request"] = "not_approved", custody.latest_request(complaint, user)
    elif not custody.key_configured():
        return _identity_page(page | {"problem": "no_key"}, 503)
    else:
        page["problem"], page["identity_request"] = "ready", approval
    return _identity_page(page)


@bp.post("/cases/<int:complaint_id>/identity")
@staff_required(Role.HANDLER)
def open_identity(complaint_id: int):
    """The reporter's identity, for the handler whose request is approved and still running;
    each opening writes an audit record."""
    user, complaint = _user(), _case(complaint_id)
    page = {"complaint": complaint, "revealed": None, "problem": None, "identity_request": None, "form": FlaskForm()}
    if not page["form"].validate_on_submit():
        abort(400)
    status = 200
    try:
        page["revealed"] = custody.reveal(complaint, user)
    except custody.AnonymousReporter:
        page["problem"], status = "anonymous", 409
    except custody.NoLiveApproval:
        page["problem"], page["identity_request"] = "not_approved", custody.latest_request(complaint, user)
        status = 409
    except crypto.KeyUnavailable:
        page["problem"], status = "no_key", 503
    except custody.IdentityUnreadable:
        page["problem"], status = "unreadable", 503
    return _identity_page(page, status)
