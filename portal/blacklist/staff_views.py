"""The blacklist procedure in the back office, and batch import."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import func, select

from portal import clock, workflow
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.blacklist import history, objections, service
from portal.blacklist.forms import AnswerForm, ObjectionForm, ProposalForm, StepForm
from portal.blacklist.models import BlacklistEntry, BlacklistReason, BlacklistState
from portal.extensions import db
from portal.i18n import _, _l
from portal.institutions import service as institutions
from portal.institutions.models import InstitutionKind
from portal.pagination import paginate, parse_page_number
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.security import audit

bp = Blueprint("blacklist_staff", __name__, url_prefix="/staff/blacklist")

ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)
PROPOSERS = (Role.ADMIN, Role.HANDLER)
# step: (button, label of the note field or None, whether the form asks for the defence's last day)
STEP_TEXT = {
    "send_notice": (_l("Record that the notice was sent"), None, True),
    "request_listing": (_l("Request the listing"), None, False),
    "drop": (_l("Do not list"), _l("Reason for not listing"), False),
    "approve_listing": (_l("Approve the listing"), None, False),
    "return_listing": (_l("Return without listing"), _l("What must be done before listing"), False),
    "mark_rectifying": (_l("Mark as rectifying"), None, False),
    "request_removal": (_l("Request removal"), _l("Reason for removal (shown publicly once approved)"), False),
    "approve_removal": (_l("Approve the removal"), None, False),
    "refuse_removal": (_l("Refuse the removal"), _l("Reason for refusing"), False),
    "keep_listing": (_l("Keep on the list"), _l("Reasons for keeping it"), False),
    "remove_expired": (_l("Remove from the list"), _l("Reasons for removing it (shown publicly)"), False),
}


def _user():
    return current_user._get_current_object()


def _entry(entry_id: int) -> BlacklistEntry:
    return service.for_staff(_user(), entry_id)


def _counties(user) -> list:
    """The counties a record of this person's jurisdiction may belong to."""
    return regions.counties_within(user.region_code)


@bp.get("")
@staff_required(*ROLES)
def index():
    """The jurisdiction's entries by state, latest change first."""
    user = _user()
    state = next((s for s in BlacklistState if s.value == request.args.get("state")), None)
    page = paginate(service.in_jurisdiction(user, state), parse_page_number(request.args.get("page")),
                    current_app.config["PAGE_SIZE"])
    return render_template("blacklist/staff_index.html", page=page, state=state,
                           args={"state": state.value} if state else {}, counts=service.counts(user),
                           due=db.session.scalar(select(func.count()).select_from(
                               service.due_in_jurisdiction(user, clock.today()).subquery())),
                           States=BlacklistState, places=regions.by_codes({e.region_code for e in page.items}))


# ---- A proposal --------------------------------------------------------------------------------

def _proposal(form: ProposalForm) -> service.EntryData | None:
    """The form's values for the service; None (errors beside the fields) when the registry
    does not give one institution."""
    institution = None
    if form.institution.data:
        institution, _candidates = institutions.resolve(form.institution.data)
        if institution is None:
            form.institution.errors = [_("No single institution in the registry matches: give its unified "
                                         "social credit code or its exact name.")]
            return None
    return service.EntryData(
        region_code=form.region.data, name=form.name.data or institution.name,
        training_type=InstitutionKind(form.training_type.data), reason=BlacklistReason(form.reason.data),
        facts=form.facts.data, authority_name=form.authority_name.data,
        uscc=form.uscc.data or (institution.uscc if institution else None),
        address=form.address.data or (institution.address if institution else ""),
        institution_id=institution.id if institution else None,
        decision_numbers=service.DECISION_SEPARATORS.split(form.decision_numbers.data or ""), outcome=form.outcome.data,
        batch=form.batch.data, cutoff_date=form.cutoff_date.data)


def _propose(form: ProposalForm) -> BlacklistEntry | None:
    if not form.validate_on_submit():
        return None
    data = _proposal(form)
    if data is None:
        return None
    try:
        return service.propose(_user(), data)
    except service.DuplicateEntry as exc:
        form.name.errors = [_("This operator is already on the list or in the procedure (entry %(id)s).",
                              id=exc.args[0])]
    except (service.InvalidEntry, workflow.StepNotAllowed):
        form.region.errors = [_("Choose a district or county of your jurisdiction.")]
    return None


@bp.route("/new", methods=["GET", "POST"])
@staff_required(*PROPOSERS)
def new():
    """Propose an institution from the registry, or an unregistered operator, for the list."""
    user = _user()
    office = regions.get(user.region_code)
    defaults = {"authority_name": f"{office.name_zh}教育局",
                "region": office.code if office.level is RegionLevel.COUNTY else ""}
    form = ProposalForm(counties=_counties(user), data=None if request.method == "POST" else defaults)
    if request.method == "POST":
        entry = _propose(form)
        if entry is not None:
            flash(_("The proposal was recorded. Send the notice next: the operator may state its case."), "success")
            return redirect(url_for(".detail", entry_id=entry.id))
        return render_template("blacklist/staff_new.html", form=form), 422
    return render_template("blacklist/staff_new.html", form=form)


# ---- One entry ---------------------------------------------------------------------------------

def _detail_page(entry: BlacklistEntry, failed: str | None = None, failed_form: StepForm | None = None,
                 message: str = "", status: int = 200, objection_form: ObjectionForm | None = None,
                 answer_form: tuple[int, AnswerForm] | None = None):
    user, today = _user(), clock.today()
    raised = objections.for_entry(entry)
    answer_forms = {o.id: AnswerForm(prefix=f"answer{o.id}") for o in raised if o.answered_on is None}
    if answer_form is not None:
        answer_forms[answer_form[0]] = answer_form[1]
    steps = service.allowed_steps(entry, user, today)
    forms = {name: failed_form if name == failed else StepForm(prefix=name, data={"state": entry.state.value})
             for name in steps}
    for name, form in forms.items():
        if STEP_TEXT[name][1]:
            form.note.label.text = STEP_TEXT[name][1]
        if name == "keep_listing":
            form.valid_until.description = _("Required: after this day the entry comes up for review again.")
    events = service.history(entry)
    return render_template(
        "blacklist/staff_detail.html", entry=entry, steps=steps, forms=forms, failed=failed, message=message,
        step_text=STEP_TEXT, validity_steps=service.VALIDITY_STEPS, due=service.due_for_review(entry, today),
        events=[(event, history.kind(event)) for event in events], States=BlacklistState,
        place=regions.get(entry.region_code), today=today,
        own=user.id in service.requesters(entry) and user.role is Role.REVIEWER,
        defence_over=service.defence_over(entry, today), default_defence=service.default_defence_until(today),
        objections=raised, answer_forms=answer_forms, may_object=objections.may_object(entry),
        objection_form=objection_form or ObjectionForm(prefix="objection"),
        audit_entries=audit.for_object("blacklist_entry", entry.id)), status


@bp.get("/<int:entry_id>")
@staff_required(*ROLES)
def detail(entry_id: int):
    """One entry: its facts, its whole history, and the steps its state allows."""
    return _detail_page(_entry(entry_id))


def _refusal(exc: Exception) -> str:
    if isinstance(exc, workflow.OwnWork):
        return _("You proposed this entry or asked for this step: another reviewer must decide it.")
    if isinstance(exc, service.DefenceNotOver):
        return _("The defence period runs until %(date)s: listing can be requested after it.",
                 date=format_date(exc.args[0], "long"))
    return _("This step is not possible on this entry now, or not for your role.")


@bp.post("/<int:entry_id>/step")
@staff_required(*ROLES)
def step(entry_id: int):
    """Take one step of the procedure; a refused one is explained on the page."""
    entry = _entry(entry_id)
    name = request.form.get("step", "")
    if name not in service.STEPS:
        return _detail_page(entry, message=_("Choose one of the steps on this page."), status=422)
    form = StepForm(prefix=name)
    if not form.validate_on_submit():
        return _detail_page(entry, failed=name, failed_form=form, status=422)
    if form.state.data != entry.state.value:
        return _detail_page(entry, message=_("The entry changed since you opened the page: check it and try "
                                             "again."), status=409)
    try:
        service.take(entry, name, _user(), form.note.data, form.defence_until.data,
                     valid_until=form.valid_until.data if name in service.VALIDITY_STEPS else None)
    except workflow.ReasonRequired:
        form.note.errors = [_("Give the reason.")]
        return _detail_page(entry, failed=name, failed_form=form, status=422)
    except service.InvalidEntry as exc:
        if exc.args[0] == "valid_until":
            form.valid_until.errors = [_("Give a last day of validity after today.") if name == "keep_listing"
                                       else _("The validity must end after today.")]
        else:
            form.defence_until.errors = [_("The defence period must end after today.")]
        return _detail_page(entry, failed=name, failed_form=form, status=422)
    except workflow.StepNotAllowed as exc:
        db.session.rollback()
        return _detail_page(_entry(entry_id), message=_refusal(exc), status=409)
    flash(_("Recorded: %(step)s.", step=history.kind(service.history(entry)[-1]).label), "success")
    return redirect(url_for(".detail", entry_id=entry.id))


@bp.get("/review-due")
@staff_required(*ROLES)
def review_due():
    """The jurisdiction's entries whose validity has run out and that wait for their review."""
    user = _user()
    page = paginate(service.due_in_jurisdiction(user, clock.today()), parse_page_number(request.args.get("page")),
                    current_app.config["PAGE_SIZE"])
    return render_template("blacklist/staff_review_due.html", page=page, today=clock.today(),
                           places=regions.by_codes({e.region_code for e in page.items}))


@bp.post("/<int:entry_id>/objections")
@staff_required(*ROLES)
def objection(entry_id: int):
    """Record an objection (异议) the listed party raised after listing."""
    entry = _entry(entry_id)
    form = ObjectionForm(prefix="objection")
    if form.validate_on_submit():
        try:
            objections.record(entry, _user(), form.received_on.data, form.summary.data)
        except objections.ObjectionInvalid:
            form.received_on.errors = [_("The day must lie between the listing and today.")]
        else:
            flash(_("The objection was recorded: answer it in writing."), "success")
            return redirect(url_for(".detail", entry_id=entry.id))
    return _detail_page(entry, objection_form=form, status=422)


@bp.post("/<int:entry_id>/objections/<int:objection_id>/answer")
@staff_required(*ROLES)
def answer(entry_id: int, objection_id: int):
    """Answer an objection in writing."""
    entry = _entry(entry_id)
    raised = objections.get(entry, objection_id)
    form = AnswerForm(prefix=f"answer{raised.id}")
    if form.validate_on_submit():
        objections.answer(entry, raised, _user(), form.answer.data)
        flash(_("The answer was recorded."), "success")
        return redirect(url_for(".detail", entry_id=entry.id))
    return _detail_page(entry, answer_form=(raised.id, form), status=422)
