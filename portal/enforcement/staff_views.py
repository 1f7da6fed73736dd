"""The enforcement page of a case (the lead, the decision on 立案, the reporter told, the penalty
decision linked or the case closed) and the office's list of reports on the track."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.casework import queries as cases
from portal.enforcement import clocks, queries, service
from portal.enforcement.forms import NOT_ON_TRACK, OPEN, CloseForm, DecisionForm, LinkForm, RecordForm, ToldForm
from portal.enforcement.models import EnforcementState, ToldHow
from portal.i18n import _
from portal.pagination import parse_page_number

bp = Blueprint("enforcement", __name__, url_prefix="/staff")
ROLES = queries.VIEWERS


def _user():
    return current_user._get_current_object()


def _candidates(found: dict) -> list[tuple[str, str]]:
    return [(str(d.id), f"{d.decision_number} · {d.party_name} · {d.decision_date.isoformat()}")
            for d in found["candidates"]]


def _page(complaint, forms: dict | None = None, message: str = "", status: int = 200):
    found = queries.page(complaint, _user())
    forms = forms or {}
    shown = {"decision": forms.get("decision") or DecisionForm(prefix="decision"),
             "tell": forms.get("tell") or ToldForm(prefix="tell"),
             "link": forms.get("link") or LinkForm(prefix="link"),
             "close": forms.get("close") or CloseForm(prefix="close")}
    shown["link"].disclosure.choices = _candidates(found)
    for name, field in (("decision", "decided_on"), ("tell", "told_on")):  # today, until the officer says
        if name not in forms:
            getattr(shown[name], field).data = clock.today()
    region = complaint.handling_region_code
    return render_template("enforcement/page.html", complaint=complaint, **found, forms=shown,
                           notice_days=clocks.notice_rule(region).days, decision_days=clocks.decision_rule(region).days,
                           record_form=RecordForm(prefix="record"), message=message), status


@bp.get("/cases/<int:complaint_id>/enforcement")
@staff_required(*ROLES)
def page(complaint_id: int):
    """The case's enforcement track, and the steps open to this officer."""
    return _page(cases.case_for_staff(_user(), complaint_id))


def _locked(complaint_id: int):
    complaint = cases.case_for_staff(_user(), complaint_id, for_update=True)
    return complaint, service.for_complaint(complaint, for_update=True)


def _out_of_date(complaint):
    return _page(complaint, message=_("This is not possible now: someone may have acted on the case a moment "
                                      "ago, or it is not open to you. This page shows it as it is now. "
                                      "Nothing was saved."), status=409)


@bp.post("/cases/<int:complaint_id>/enforcement/record")
@staff_required(*ROLES)
def record(complaint_id: int):
    """Take the case as a report of a violation."""
    complaint, found = _locked(complaint_id)
    form = RecordForm(prefix="record")
    if (found is not None or not service.may_record(complaint, _user()) or not form.validate()
            or form.state.data != NOT_ON_TRACK):
        return _out_of_date(complaint)
    service.record_lead(complaint, _user())
    flash(_("Recorded as a report of a violation: decide whether to open a case."), "success")
    return redirect(url_for(".page", complaint_id=complaint.id))


@bp.post("/cases/<int:complaint_id>/enforcement/decision")
@staff_required(*ROLES)
def decide(complaint_id: int):
    """Record the decision on 立案: opened (numbered) or not (with the reason)."""
    complaint, found = _locked(complaint_id)
    form = DecisionForm(prefix="decision")
    if found is None or not {"open", "decline"} & set(service.allowed_steps(found, _user())):
        return _out_of_date(complaint)
    if form.validate_on_submit():
        opened = form.decision.data == OPEN
        try:
            service.decide(found, complaint, _user(), opened, form.decided_on.data, form.reason.data)
        except service.DayOutOfRange as wrong:
            form.decided_on.errors = [_("Give a day from %(date)s (the report arrived) to today.",
                                        date=wrong.earliest.isoformat())]
        else:
            flash(_("Enforcement case opened: %(number)s.", number=found.number) if opened
                  else _("Recorded: no enforcement case opened."), "success")
            return redirect(url_for(".page", complaint_id=complaint.id))
    return _page(complaint, {"decision": form}, status=422)


@bp.post("/cases/<int:complaint_id>/enforcement/told")
@staff_required(*ROLES)
def told(complaint_id: int):
    """Record the day and the way the named reporter was told whether a case was opened."""
    complaint, found = _locked(complaint_id)
    form = ToldForm(prefix="tell")
    if found is None or "tell" not in service.allowed_steps(found, _user()):
        return _out_of_date(complaint)
    if form.validate_on_submit():
        try:
            service.record_told(found, _user(), form.told_on.data, ToldHow(form.how.data))
        except service.DayOutOfRange as wrong:
            form.told_on.errors = [_("Give a day from %(date)s (the decision) to today.",
                                     date=wrong.earliest.isoformat())]
        else:
            flash(_("Recorded: the reporter was told."), "success")
            return redirect(url_for(".page", complaint_id=complaint.id))
    return _page(complaint, {"tell": form}, status=422)


@bp.post("/cases/<int:complaint_id>/enforcement/link")
@staff_required(*ROLES)
def link(complaint_id: int):
    """Link the opened case to its published penalty decision."""
    complaint, found = _locked(complaint_id)
    if found is None or "link" not in service.allowed_steps(found, _user()):
        return _out_of_date(complaint)
    form = LinkForm(prefix="link")
    form.disclosure.choices = _candidates({"candidates": service.linkable(found, complaint, _user())})
    if form.validate_on_submit():
        decision = service.link(found, complaint, _user(), int(form.disclosure.data))
        flash(_("Linked: the case ended in decision %(number)s.", number=decision.decision_number), "success")
        return redirect(url_for(".page", complaint_id=complaint.id))
    return _page(complaint, {"link": form}, status=422)


@bp.post("/cases/<int:complaint_id>/enforcement/close")
@staff_required(*ROLES)
def close(complaint_id: int):
    """Close the opened case without a penalty decision, with the reason."""
    complaint, found = _locked(complaint_id)
    if found is None or "close" not in service.allowed_steps(found, _user()):
        return _out_of_date(complaint)
    form = CloseForm(prefix="close")
    if form.validate_on_submit():
        service.close(found, complaint, _user(), form.reason.data)
        flash(_("Recorded: the case ended without a penalty decision."), "success")
        return redirect(url_for(".page", complaint_id=complaint.id))
    return _page(complaint, {"close": form}, status=422)


@bp.get("/enforcement")
@staff_required(*ROLES)
def index():
    """The jurisdiction's reports on the enforcement track, newest first, with their clocks."""
    states = {state.value: state for state in EnforcementState}
    state = states.get(request.args.get("state", ""))
    found = queries.office_list(_user(), state, parse_page_number(request.args.get("page")),
                                current_app.config["PAGE_SIZE"])
    return render_template("enforcement/index.html", found=found, state=state, States=EnforcementState,
                           args={"state": state.value} if state else {})
