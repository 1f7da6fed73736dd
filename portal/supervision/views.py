"""The back office's side of social supervision: appointing supervisors (candidates, objections,
decision, appointment, dismissal, annual assessment), their list with activity and duty records,
and the inbox of their submissions with replies and cases opened from patrol findings."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role, User
from portal.casework.models import Category
from portal.extensions import db
from portal.i18n import _
from portal.observations import duty, progress
from portal.observations import service as observations
from portal.observations.models import Kind
from portal.pagination import paginate, parse_page_number
from portal.regions import service as regions
from portal.security import audit
from portal.security.headers import attachment_response
from portal.supervision.forms import (
    AppointForm,
    AssessmentForm,
    CandidateForm,
    DecisionForm,
    DismissForm,
    ObjectionForm,
    OpenCaseForm,
    PublishForm,
    ReplyForm,
)
from portal.supervisors import service
from portal.supervisors.models import AssessmentResult, Supervisor, SupervisorState

bp = Blueprint("supervisor_staff", __name__, url_prefix="/staff/supervisors")

READERS = (Role.ADMIN, Role.HANDLER)
STEP_FORMS = {"publish": PublishForm, "object": ObjectionForm, "decide": DecisionForm, "appoint": AppointForm,
              "dismiss": DismissForm, "assess": AssessmentForm}
ACTIVE_DAYS = 90


def _user() -> User:
    return current_user._get_current_object()


def _supervisor(supervisor_id: int) -> Supervisor:
    return service.for_staff(_user(), supervisor_id)


@bp.get("")
@staff_required(*READERS)
def index():
    """The jurisdiction's supervisors and candidates, with recent activity."""
    user = _user()
    state = next((s for s in SupervisorState if s.value == request.args.get("state")), None)
    found = service.in_jurisdiction(user, state)
    since = clock.now() - dt.timedelta(days=ACTIVE_DAYS)
    return render_template("supervision/index.html", supervisors=found, state=state, States=SupervisorState,
                           counts=service.counts(user), today=clock.today(), active_days=ACTIVE_DAYS,
                           activity=duty.activity([s.id for s in found], since))


@bp.route("/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new():
    """Add a candidate."""
    form = CandidateForm()
    if form.validate_on_submit():
        try:
            supervisor = service.create_candidate(_user(), form.region.region.code, form.name.data,
                                                  form.organisation.data, form.occupation.data, form.contact.data)
        except service.InvalidStep:
            form.region.errors = [_("Choose a district or county inside your own jurisdiction.")]
        else:
            flash(_("The candidate was added. Publish them for objections next."), "success")
            return redirect(url_for(".detail", supervisor_id=supervisor.id))
    return render_template("supervision/new.html", form=form), 422 if form.errors else 200


def _detail_page(supervisor: Supervisor, failed: str | None = None, failed_form=None, status: int = 200):
    today = clock.today()
    forms = {name: failed_form if name == failed else STEP_FORMS[name](prefix=name) for name in STEP_FORMS}
    forms["assess"].year.data = forms["assess"].year.data or min(today.year, (supervisor.term_end or today).year)
    if failed != "appoint" and supervisor.state is SupervisorState.CLEARED:
        forms["appoint"].term_start.data = today
        forms["appoint"].term_end.data = service.term_bounds(today)[1]
    account = db.session.get(User, supervisor.user_id) if supervisor.user_id else None
    return render_template(
        "supervision/detail.html", supervisor=supervisor, forms=forms, failed=failed, today=today,
        contact=service.contact(supervisor), objections=service.objections(supervisor), account=account,
        assessments=service.assessments(supervisor), place=regions.get(supervisor.region_code),
        steps=service.STEPS.possible(supervisor), may_act=_user().role is Role.ADMIN,
        notice_over=supervisor.notice_end is not None and today > supervisor.notice_end,
        audit_entries=audit.for_object("supervisor", supervisor.id)), status


@bp.get("/<int:supervisor_id>")
@staff_required(*READERS)
def detail(supervisor_id: int):
    """One supervisor or candidate: the appointment steps its state allows, assessments, audit."""
    return _detail_page(_supervisor(supervisor_id))


STEP_ERRORS = {
    "days": lambda: _("Between %(min)s and %(max)s days.", min=service.NOTICE_DAYS[0], max=service.NOTICE_DAYS[1]),
    "received_on": lambda: _("The date must fall within the objection period and not be in the future."),
    "note": lambda: _("Give the reasons."),
    "term_end": lambda: _("A term is 2 to 3 years: the last day must be between %(first)s and %(last)s."),
    "certificate_number": lambda: _("Another supervisor already has this certificate number."),
    "username": lambda: _("This username is taken, or not 3–40 lower-case letters, digits, dots, dashes or "
                          "underscores."),
    "reason": lambda: _("Give the reason; it is kept in the audit trail."),
    "year": lambda: _("Choose a year of the term, not later than this year."),
    "comment": lambda: _("Explain a “not competent” result."),
}


def _run_step(name: str, supervisor: Supervisor, form):
    """Call the service for a validated step form; returns what a success page needs."""
    user = _user()
    if name == "publish":
        return service.publish(user, supervisor, form.days.data)
    if name == "object":
        return service.record_objection(user, supervisor, form.received_on.data, form.summary.data)
    if name == "decide":
        return service.decide(user, supervisor, form.outcome.data == "clear", form.note.data)
    if name == "appoint":
        return service.appoint(user, supervisor, form.term_start.data, form.term_end.data,
                               form.certificate_number.data, form.username.data)
    if name == "dismiss":
        return service.dismiss(user, supervisor, form.reason.data)
    return service.assess(user, supervisor, form.year.data, AssessmentResult(form.result.data), form.comment.data)


STEP_DONE = {
    "publish": lambda: _("The candidate is published for objections."),
    "object": lambda: _("The objection was recorded."),
    "decide": lambda: _("The decision was recorded."),
    "dismiss": lambda: _("The supervisor is dismissed: the account no longer works and its sessions have ended."),
    "assess": lambda: _("The assessment was recorded."),
}


@bp.post("/<int:supervisor_id>/<any(publish, object, decide, appoint, dismiss, assess):step>")
@staff_required(Role.ADMIN)
def step(supervisor_id: int, step: str):
    """One appointment step; errors beside the fields, 409 when the state does not allow it."""
    supervisor = _supervisor(supervisor_id)
    form = STEP_FORMS[step](prefix=step)
    if not form.validate_on_submit():
        return _detail_page(supervisor, step, form, 422)
    try:
        result = _run_step(step, supervisor, form)
    except service.InvalidStep as exc:
        field = exc.args[0]
        message = STEP_ERRORS[field]()
        if field == "term_end":
            first, last = service.term_bounds(form.term_start.data)
            message = message % {"first": first.isoformat(), "last": last.isoformat()}
        getattr(form, field).errors = [message]
        return _detail_page(supervisor, step, form, 422)
    if step == "appoint":
        account = db.session.get(User, supervisor.user_id)
        return render_template("supervision/appointed.html", user=account, one_time=result,
                               supervisor=supervisor)
    flash(STEP_DONE[step](), "success")
    return redirect(url_for(".detail", supervisor_id=supervisor.id))


@bp.get("/<int:supervisor_id>/duty")
@staff_required(*READERS)
def duty_record(supervisor_id: int):
    """A supervisor's yearly duty record, printable: the basis of the annual assessment."""
    supervisor = _supervisor(supervisor_id)
    if supervisor.term_start is None:
        abort(404)
    last = min(supervisor.term_end.year, clock.today().year)
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() and supervisor.term_start.year <= int(raw) <= last else last
    return render_template("supervisors/duty.html", supervisor=supervisor, year=year, staff=True,
                           record=duty.duty_record(supervisor, year), Kinds=Kind,
                           years=range(supervisor.term_start.year, last + 1),
                           place=regions.get(supervisor.region_code))


# ---- The inbox -------------------------------------------------------------------------------------

@bp.get("/inbox")
@staff_required(*READERS)
def inbox():
    """Submitted patrol records, opinions and leads of the jurisdiction, those waiting first."""
    user = _user()
    kind = next((k for k in Kind if k.value == request.args.get("kind")), None)
    waiting = request.args.get("waiting") == "1"
    page = paginate(observations.inbox(user, kind, waiting), parse_page_number(request.args.get("page")),
                    current_app.config["PAGE_SIZE"])
    args = {key: value for key, value in (("kind", kind.value if kind else ""), ("waiting", "1" if waiting else ""))
            if value}
    return render_template("supervision/inbox.html", page=page, kind=kind, waiting=waiting, args=args,
                           Kinds=Kind, counts=observations.inbox_counts(user),
                           cases=progress.statuses([o.complaint_id for o in page.items if o.complaint_id]),
                           places=regions.by_codes({o.region_code for o in page.items}))


def _observation(observation_id: int, for_update: bool = False):
    return observations.for_staff(_user(), observation_id, for_update=for_update)


def _observation_page(observation, reply_form=None, case_form=None, status: int = 200):
    if case_form is None:
        case_form = OpenCaseForm(data={"description": observation.body})
    return render_template("supervision/observation.html", observation=observation,
                           reply_form=reply_form or ReplyForm(), case_form=case_form,
                           may_reply=observations.may_reply(_user(), observation),
                           may_open_case=observations.may_open_case(_user(), observation),
                           case=progress.for_observation(observation), staff=True,
                           place=regions.get(observation.region_code),
                           audit_entries=audit.for_object("observation", observation.id)), status


@bp.route("/submissions/<int:observation_id>", methods=["GET", "POST"])
@staff_required(*READERS)
def observation(observation_id: int):
    """One submission with its photos; the written reply is posted here."""
    found = _observation(observation_id, for_update=request.method == "POST")
    if request.method == "GET":
        return _observation_page(found)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _observation_page(found, reply_form=form, status=422)
    observations.reply(_user(), found, form.reply.data)
    flash(_("Your reply was sent to the supervisor."), "success")
    return redirect(url_for(".observation", observation_id=found.id))


@bp.post("/submissions/<int:observation_id>/case")
@staff_required(*READERS)
def open_case(observation_id: int):
    """Open a case from a patrol record's finding; it enters the casework inbox like any complaint."""
    found = _observation(observation_id, for_update=True)
    form = OpenCaseForm()
    if not form.validate_on_submit():
        return _observation_page(found, case_form=form, status=422)
    complaint = observations.open_case(_user(), found, Category(form.category.data), form.description.data)
    flash(_("Case %(number)s was opened. It is in the cases inbox with the usual time limits.",
            number=complaint.case_number), "success")
    return redirect(url_for(".observation", observation_id=found.id))


@bp.get("/submissions/<int:observation_id>/photos/<int:photo_id>")
@staff_required(*READERS)
def photo(observation_id: int, photo_id: int):
    """A photo of a submission of the jurisdiction, decrypted, as a download."""
    found, data = observations.photo(_observation(observation_id), photo_id)
    return attachment_response(data, found.media_type, found.filename)
