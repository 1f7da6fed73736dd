"""The back office's casework: the inbox, and the case page with the steps its state allows."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_login import current_user

from portal import case_panels as panels
from portal import clock
from portal.accounts import actors as audit_actors
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework import queries
from portal.casework import service as casework
from portal.casework.exceptions import CaseNotFound, StepNotAllowed
from portal.casework.forms import LEVEL_LABELS, RE_REVIEW_DECISION, STEP_FORMS, STEP_LABELS, AssignForm
from portal.casework.models import Category, ReviewStage, Source, Status
from portal.casework.timeline import public_timeline
from portal.csvexport import to_csv
from portal.i18n import _
from portal.pagination import parse_page_number
from portal.regions import service as regions
from portal.security import audit
from portal.security.headers import attachment_response

bp = Blueprint("casework", __name__, url_prefix="/staff")

CASE_ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER, Role.CUSTODIAN)
# The inbox's own parameters, the only ones its links carry on (the pager adds "page"): anything
# else in the address, such as url_for's "_external" or "_anchor", must not reach url_for.
INBOX_FILTERS = ("q", "status", "category", "source", "county", "assignee", "due", "mine")


def _user():
    return current_user._get_current_object()


@bp.get("/cases")
@staff_required(*CASE_ROLES)
def inbox():
    """The jurisdiction's cases, nearest deadline first, with filters and counts per state."""
    user = _user()
    filters = queries.InboxFilters.from_args(request.args)
    result = queries.inbox(user, filters, parse_page_number(request.args.get("page")),
                           current_app.config["PAGE_SIZE"], clock.today())
    jurisdiction = regions.get(user.region_code)
    counties = regions.children(user.region_code) if jurisdiction.level.value != "county" else []
    if jurisdiction.level.value == "province":
        counties = [county for city in counties for county in regions.children(city.code)]
    args = {key: request.args[key] for key in INBOX_FILTERS if request.args.get(key)}
    status_args = {key: value for key, value in args.items() if key != "status"}
    objections = {c.id: casework.objection_due(c) for c in result.page.items if c.status is Status.REGISTERED}
    return render_template("casework/inbox.html", inbox=result, objections=objections, filters=filters, args=args,
                           status_args=status_args, counties=counties, handlers=queries.handlers_in(user),
                           Status=Status, Category=Category, Source=Source, places=regions.by_codes(
                               {c.region_code for c in result.page.items}))


@bp.get("/cases.csv")
@staff_required(*CASE_ROLES)
def export():
    """The inbox under its filters as a spreadsheet: facts and deadlines, never the reporter."""
    cases = queries.export(_user(), queries.InboxFilters.from_args(request.args), clock.today())
    places = regions.by_codes({c.region_code for c in cases})
    locale = str(get_locale())
    rows = ([c.case_number, c.received_on, c.source.label, c.category.label, c.display_institution,
             places[c.region_code].name(locale), c.state.label, c.review_stage.label, c.next_due or "",
             c.assignee.display_name if c.assignee else ""] for c in cases)
    header = [_("Case number"), _("Received"), _("How it arrived"), _("Category"), _("Institution"),
              _("District or county"), _("State"), _("Stage"), _("Next deadline"), _("Handler")]
    response = Response(to_csv(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=cases-{clock.today():%Y%m%d}.csv"
    return response


def _case(complaint_id: int, for_update: bool = False):
    """The case in the officer's jurisdiction; any other answers 404 through the error handler."""
    return queries.case_for_staff(_user(), complaint_id, for_update=for_update)


@bp.get("/cases/<int:complaint_id>")
@staff_required(*CASE_ROLES)
def case(complaint_id: int):
    """Everything about one case, and the steps its state allows this officer."""
    return _render_case(_case(complaint_id))


def _step_forms(complaint, steps: list[str], failed: str | None = None, failed_form=None) -> dict:
    forms = {}
    for name in steps:
        form = failed_form if name == failed else _form_class(name)(prefix=name)
        if isinstance(form, AssignForm):
            form.assignee.choices = [_handler_choice(u, complaint) for u in queries.handlers_for(complaint)]
        forms[name] = form
    return forms


def _handler_choice(user, complaint) -> tuple[str, str]:
    """A handler as the assign list names them; one of an office above is marked with its level."""
    name = f"{user.display_name}（{user.certificate_number}）"
    if user.region_code == complaint.handling_region_code:
        return str(user.id), name
    return str(user.id), f"{LEVEL_LABELS[regions.get(user.region_code).level.value]} · {name}"


def _form_class(name: str):
    return panels.step_form(name) or STEP_FORMS.get(name)


def _render_case(complaint, failed: str | None = None, failed_form=None, status: int = 200):
    user = _user()
    steps = casework.allowed_steps(complaint, user)
    held = casework.archive_held_until(complaint, clock.today()) if complaint.status is Status.CONCLUDED else None
    timeline = queries.timeline(complaint)
    audit_entries = audit.for_object("complaint", complaint.id)  # staff named by the timeline or the audit trail
    actors = {e.actor_id for e in timeline if e.actor_id} | {int(r.actor[5:]) for r in audit_entries
                                                             if r.actor.startswith("user:")}
    return render_template(
        "casework/case.html", complaint=complaint, steps=steps,
        forms=_step_forms(complaint, steps, failed, failed_form), failed=failed, failed_form=failed_form,
        timeline=timeline, pseudonym=queries.reporter_pseudonym(complaint),
        linked=queries.linked_cases(complaint, user), same_institution=queries.same_institution(complaint, user),
        audit_entries=audit_entries, audit_actors=audit_actors.named(r.actor for r in audit_entries),
        office=regions.get(complaint.handling_region_code),
        places=regions.lineage(complaint.region), panels=panels.for_case(complaint, user),
        staff_names=queries.staff_names(actors),
        today=clock.today(), step_labels=_labels(complaint), archive_held_until=held, step_pages=panels.step_pages(),
        objection=casework.objection_due(complaint) if complaint.status is Status.REGISTERED else None), status


@bp.post("/cases/<int:complaint_id>/steps/<name>")
@staff_required(*CASE_ROLES)
def step(complaint_id: int, name: str):
    """Take one step on the case; the casework table decides whether it is allowed."""
    user = _user()
    # Locked until the commit: a colleague's step sent at the same moment waits, then is checked
    # against the state this one leaves.
    complaint = _case(complaint_id, for_update=True)
    # A step the case no longer allows is refused before its form is read, so the officer learns
    # that rather than what a field lacks; `apply` refuses it as well.
    if name not in casework.TRANSITIONS or name not in casework.allowed_steps(complaint, user) \
            or name in panels.step_pages():  # taken on its feature's page (the reply: notices' preview)
        form = _form_class(name)(prefix=name) if _form_class(name) else None
        return _refuse(complaint, name, form)
    form = _step_forms(complaint, [name])[name]
    if form.validate_on_submit():
        kwargs = _step_arguments(complaint, name, form, user)
        if not form.errors:
            try:
                casework.apply(complaint, name, user, getattr(form, "text", None) and form.text.data or "",
                               **kwargs)
            except StepNotAllowed as refused:
                if name != "link" or isinstance(refused, casework.ArchiveTooEarly):
                    return _refuse(complaint, name, form)
                form.case_number.errors = [_("This case cannot be linked to that one: choose the "
                                             "earliest case, not a duplicate or this case itself.")]
            else:
                flash(_("Done: %(step)s.", step=_labels(complaint)[name]), "success")
                return redirect(url_for(".case", complaint_id=complaint.id))
    return _render_case(complaint, failed=name, failed_form=form, status=422)


def _step_arguments(complaint, name: str, form, user) -> dict:
    """What a step needs besides its text, from its form; a case number not found is a form error."""
    if hasattr(form, "destination_text"):  # transfer (转办) and referral (移送)
        return {"destination": form.destination_text()}
    if name == "assign":
        return {"assignee": next(u for u in queries.handlers_for(complaint) if str(u.id) == form.assignee.data)}
    if name == "link":
        try:
            return {"duplicate_of": queries.find_case_number(user, form.case_number.data)}
        except CaseNotFound:
            form.case_number.errors = [_("No case with this number in your jurisdiction.")]
    return {}


def _labels(complaint) -> dict:
    again = complaint.review_stage is ReviewStage.RE_REVIEW
    return {**STEP_LABELS, "decide_review": RE_REVIEW_DECISION} if again else STEP_LABELS


def _refuse(complaint, name: str, form):
    """The case page as it is now, with why the step was refused at the top and what the officer
    typed kept (in its form if the step is still offered, else beside the actions)."""
    flash(_refusal(complaint, name), "error")
    return _render_case(complaint, failed=name, failed_form=form, status=409)


def _refusal(complaint, name: str) -> str:
    step = casework.TRANSITIONS.get(name)
    if step is None:
        return _("There is no such step. Choose one of the actions offered on this page.")
    label = _labels(complaint)[name]
    if (why := casework.held(complaint, name, clock.today())) is not None and complaint.status in step.from_states:
        return str(why)
    if name == "archive" and casework.reply_awaited(complaint):
        return _("This case cannot be archived yet: the written reply has not reached the reporter, so the "
                 "time to ask for a review has not started. Record how it was delivered.")
    held = casework.archive_held_until(complaint, clock.today()) if name == "archive" else None
    if held and complaint.status in step.from_states:
        return _("This case cannot be archived yet: whatever their rating, the reporter may ask for a "
                 "review until %(date)s.", date=format_date(held, "long"))
    due = casework.objection_due(complaint) if name == "return" else None
    if due and complaint.status in step.from_states and clock.today() > due.day:
        return _("This case can no longer be returned: the time to return a misrouted case with an objection "
                 "(信访工作条例 article 23) ended on %(date)s. Handle it, or transfer it with the reason. "
                 "Nothing was saved.", date=format_date(due.day, "long"))
    if complaint.status not in step.from_states:
        return _("“%(step)s” is not possible now: the case is %(state)s. Someone may have acted on it a "
                 "moment ago; this page shows it as it is now. Nothing was saved.",
                 step=label, state=complaint.state.label)
    return _("“%(step)s” is not open to you on this case: it depends on your role, your jurisdiction, "
             "and whether it has been taken before. Nothing was saved.", step=label)


@bp.get("/cases/<int:complaint_id>/packet")
@staff_required(*CASE_ROLES)
def packet(complaint_id: int):
    """The case as a printable packet for the office it is transferred to: the facts, the
    evidence list and the decisions so far; never the reporter's identity or internal notes."""
    complaint = _case(complaint_id)
    return render_template("casework/packet.html", complaint=complaint, places=regions.lineage(complaint.region),
                           timeline=public_timeline(complaint),
                           office=regions.get(complaint.handling_region_code))


@bp.get("/cases/<int:complaint_id>/files/<int:attachment_id>")
@staff_required(*CASE_ROLES)
def evidence(complaint_id: int, attachment_id: int):
    """One of the case's files, decrypted for this response only and never cached."""
    found, data = queries.evidence(_case(complaint_id), attachment_id)
    return attachment_response(data, found.media_type, found.filename)
