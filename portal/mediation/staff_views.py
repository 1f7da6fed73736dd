"""The mediation page of a dispute: the decision to take it, the sessions, the end (agreement or
not), and the report track opened on what it revealed."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.casework import queries as cases
from portal.casework.exceptions import CaseNotFound
from portal.casework.models import Category
from portal.i18n import _
from portal.mediation import clocks, queries, service
from portal.mediation.forms import TAKE, AgreementForm, DecisionForm, EndForm, ReportForm, SessionRecordForm
from portal.mediation.models import EndReason, PaidHow, SessionForm
from portal.workflow import StepNotAllowed

bp = Blueprint("mediation", __name__, url_prefix="/staff")
ROLES = queries.VIEWERS
FORMS = {"decision": DecisionForm, "session": SessionRecordForm, "agree": AgreementForm, "end": EndForm,
         "report": ReportForm}
DATES = {"decision": "decided_on", "session": "held_on", "agree": "ended_on", "end": "ended_on"}


def _user():
    return current_user._get_current_object()


def _case(complaint_id: int, *, for_update: bool = False):
    complaint = cases.case_for_staff(_user(), complaint_id, for_update=for_update)
    if not complaint.mediation_requested:
        raise CaseNotFound(complaint_id)  # no mediation page for a case that did not ask for it
    return complaint


def _page(complaint, forms: dict | None = None, message: str = "", status: int = 200):
    found = queries.page(complaint, _user())
    forms = forms or {}
    shown = {name: forms.get(name) or form(prefix=name) for name, form in FORMS.items()}
    for name, date in DATES.items():  # today, until the officer says otherwise
        if name not in forms:
            getattr(shown[name], date).data = clock.today()
    proposed = next((a for a in found["answers"] if a.refund_amount is not None), None)
    if proposed is not None and "agree" not in forms:  # the institution's latest proposal, to change or keep
        shown["agree"].amount.data, shown["agree"].pay_by.data = proposed.refund_amount, proposed.refund_on
    region = complaint.region_code
    return render_template("mediation/page.html", complaint=complaint, **found, forms=shown, message=message,
                           decision_days=clocks.decision_rule(region).days,
                           conclusion_days=clocks.conclusion_rule(region).days), status


@bp.get("/cases/<int:complaint_id>/mediation")
@staff_required(*ROLES)
def page(complaint_id: int):
    """The dispute's mediation track, and the steps open to this officer."""
    return _page(_case(complaint_id))


def _out_of_date(complaint):
    return _page(complaint, message=_("This is not possible now: someone may have acted on the case a moment "
                                      "ago, or it is not open to you. This page shows it as it is now. "
                                      "Nothing was saved."), status=409)


def _day_error(field, wrong) -> None:
    field.errors = [_("Give a day from %(date)s to today.", date=wrong.earliest.isoformat())]


def _post(complaint_id: int, name: str, steps: set[str], act):
    """One step's post: the case locked, the step still open, the form valid, then `act(...)`."""
    complaint = _case(complaint_id, for_update=True)
    record = service.for_complaint(complaint, for_update=True)
    form = FORMS[name](prefix=name)
    if not steps & set(service.allowed_steps(record, complaint, _user())):
        return _out_of_date(complaint)
    if form.validate_on_submit():
        try:
            message = act(complaint, record, form)
        except service.DayOutOfRange as wrong:
            _day_error(form[wrong.args[0]], wrong)
        except service.LimitNotPassed:
            form.why.errors = [_("The time limit has not passed yet: it ends on %(date)s.",
                                 date=clocks.conclusion_due(record).day.isoformat())]
        except StepNotAllowed:
            return _out_of_date(complaint)
        else:
            flash(message, "success")
            return redirect(url_for(".page", complaint_id=complaint.id))
    return _page(complaint, {name: form}, status=422)


@bp.post("/cases/<int:complaint_id>/mediation/decision")
@staff_required(*ROLES)
def decide(complaint_id: int):
    """Take the dispute for mediation, or not (with the reason)."""
    def act(complaint, _record, form):
        take = form.decision.data == TAKE
        service.decide(complaint, _user(), take, form.decided_on.data, form.reason.data)
        return _("Taken for mediation.") if take else _("Recorded: not taken for mediation.")
    return _post(complaint_id, "decision", {"take", "decline"}, act)


@bp.post("/cases/<int:complaint_id>/mediation/session")
@staff_required(*ROLES)
def session(complaint_id: int):
    """Record a mediation session."""
    def act(_complaint, record, form):
        service.record_session(record, _user(), form.held_on.data, SessionForm(form.form.data),
                               form.participants.data, form.parent_said.data, form.institution_said.data)
        return _("Session recorded.")
    return _post(complaint_id, "session", {"session"}, act)


@bp.post("/cases/<int:complaint_id>/mediation/agreement")
@staff_required(*ROLES)
def agree(complaint_id: int):
    """End mediation with an agreement; the written result is issued."""
    def act(complaint, record, form):
        service.agree(record, complaint, _user(), form.ended_on.data, form.amount.data, form.pay_by.data,
                      PaidHow(form.how.data), form.terms.data)
        return _("Agreement recorded; the written mediation result was issued.")
    return _post(complaint_id, "agree", {"agree"}, act)


@bp.post("/cases/<int:complaint_id>/mediation/end")
@staff_required(*ROLES)
def end(complaint_id: int):
    """End mediation without an agreement; the written result names the other routes."""
    def act(complaint, record, form):
        service.end(record, complaint, _user(), form.ended_on.data, EndReason(form.why.data), form.account.data)
        return _("Mediation ended without an agreement; the written result was issued.")
    return _post(complaint_id, "end", {"end"}, act)


@bp.post("/cases/<int:complaint_id>/mediation/report")
@staff_required(*ROLES)
def report(complaint_id: int):
    """Open the report track on the violation the dispute revealed: a second case, linked."""
    def act(complaint, record, form):
        second = service.open_report(record, complaint, _user(), Category(form.category.data), form.facts.data)
        return _("Report track opened: case %(number)s, linked to this dispute.", number=second.case_number)
    return _post(complaint_id, "report", {"report"}, act)
