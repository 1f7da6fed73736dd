"""The back office's random inspections: the item list, preparing a draw, committing it (the
directories are frozen and their hashes published), drawing (the seed is revealed), recusals,
results and their publication."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework import queries as complaints
from portal.extensions import db
from portal.i18n import _
from portal.inspections import directories, items, published, service
from portal.inspections.forms import CommitForm, DrawForm, RecusalForm, ResultForm, RevealForm, StateForm
from portal.inspections.models import DrawState, InspectionDraw, Outcome
from portal.institutions.models import InstitutionKind, LicenceStatus
from portal.pagination import paginate, parse_page_number
from portal.regions import service as regions
from portal.security import audit

bp = Blueprint("inspection_staff", __name__, url_prefix="/staff/inspections")

ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)
MANAGERS = (Role.ADMIN, Role.HANDLER)


def _user():
    return current_user._get_current_object()


def _draw(draw_id: int, for_update: bool = False) -> InspectionDraw:
    return service.for_staff(_user(), draw_id, for_update=for_update)


def _counties(user) -> list:
    """The counties to choose among; a county office has no choice to make."""
    found = regions.counties_within(user.region_code)
    return [] if found == [regions.get(user.region_code)] else found


@bp.get("")
@staff_required(*ROLES)
def index():
    """The jurisdiction's draws, newest first."""
    page = paginate(service.in_jurisdiction(_user()), parse_page_number(request.args.get("page")),
                    current_app.config["PAGE_SIZE"])
    return render_template("inspections/staff_index.html", page=page, States=DrawState,
                           may_manage=_user().role in MANAGERS,
                           places=regions.by_codes({d.region_code for d in page.items}))


# ---- A new draw --------------------------------------------------------------------------------

def _draw_form(user, **kwargs) -> DrawForm:
    return DrawForm(items=items.items_for(user.region_code, active_only=True), counties=_counties(user),
                    supervisors=directories.supervisors(user.region_code), **kwargs)


def _draw_data(form: DrawForm) -> service.DrawData:
    kinds = {k.value: k for k in InstitutionKind}
    statuses = {s.value: s for s in LicenceStatus}
    return service.DrawData(
        title=form.title.data, item_ids=form.items.data, ratio_percent=form.ratio_percent.data,
        inspectors_per_target=form.inspectors_per_target.data, weighting=form.weighting.data,
        county_code=form.county.data or None, kind=kinds.get(form.kind.data or ""),
        licence_status=statuses.get(form.licence_status.data or ""), observer_ids=form.observers.data or [])


DRAW_REFUSALS = {
    "items": lambda: _("Choose active items of your office's list or of the offices above."),
    "ratio_percent": lambda: _("Give a percentage from 1 to 100."),
    "inspectors_per_target": lambda: _("At least two enforcement officers inspect each institution."),
    "county": lambda: _("Choose a district or county of your jurisdiction."),
    "observers": lambda: _("Choose social supervisors of your jurisdiction who are in their term."),
}


@bp.route("/new", methods=["GET", "POST"])
@staff_required(*MANAGERS)
def new():
    """Prepare a draw: items, ratio, inspectors per institution, weighting and target filters."""
    user = _user()
    form = _draw_form(user, data=None if request.method == "POST" else {"inspectors_per_target": 2})
    if request.method == "POST" and form.validate_on_submit():
        try:
            draw = service.create_draw(user, _draw_data(form))
        except service.InvalidDraw as exc:
            getattr(form, exc.args[0]).errors = [DRAW_REFUSALS[exc.args[0]]()]
        else:
            flash(_("The draw was prepared. Check it, then commit it to freeze the directories."), "success")
            return redirect(url_for(".detail", draw_id=draw.id))
    return render_template("inspections/staff_new.html", form=form), 422 if request.method == "POST" else 200


# ---- One draw ----------------------------------------------------------------------------------

def _detail_page(draw: InspectionDraw, failed: str | None = None, failed_form=None, message: str = "",
                 status: int = 200):
    user = _user()
    assignments = published.assignments_of(draw)
    inspectors = targets = None
    if draw.state is DrawState.PREPARED:
        targets = directories.target_institutions(draw)
        inspectors = directories.inspectors(draw.region_code)
    else:
        targets, inspectors = service.frozen(draw)
    forms = {"commit": CommitForm(prefix="commit", data={"state": draw.state.value}),
             "draw": RevealForm(prefix="draw", data={"state": draw.state.value}),
             "publish": StateForm(prefix="publish", data={"state": draw.state.value}),
             "recuse": _recusal_form(draw, assignments, data={"state": draw.state.value})}
    if failed:
        forms[failed] = failed_form
    results = {a.id: (failed_form if failed == f"result-{a.id}" else
                      ResultForm(prefix=f"r{a.id}", data=_result_data(draw, a))) for a in assignments}
    people = published.names({i for a in assignments for i in a.inspector_id_list}
                             | {r.inspector_id for a in assignments for r in a.recusals}
                             | {r.replacement_id for a in assignments for r in a.recusals if r.replacement_id})
    return render_template(
        "inspections/staff_draw.html", draw=draw, assignments=assignments, targets=targets, inspectors=inspectors,
        steps=service.allowed_steps(draw, user), forms=forms, results=results, failed=failed, message=message,
        people=people, proposals=[(r, StateForm(prefix=f"confirm{r.id}", data={"state": draw.state.value}))
                                  for r in published.proposed_recusals(assignments)],
        item_list=published.item_rows(draw), place=regions.get(draw.region_code), max_weight=directories.MAX_WEIGHT,
        county=regions.get(draw.county_code) if draw.county_code else None,
        observers=published.names(set(draw.observer_id_list)),
        complete=bool(assignments) and all(a.outcome for a in assignments),
        audit_entries=audit.for_object("inspection_draw", draw.id)), status


def _result_data(draw: InspectionDraw, assignment) -> dict:
    case_number = ""
    if assignment.complaint_id:
        from portal.casework.models import Complaint
        case_number = db.session.get(Complaint, assignment.complaint_id).case_number
    return {"state": draw.state.value, "outcome": assignment.outcome.value if assignment.outcome else None,
            "note": assignment.note, "case_number": case_number}


def _recusal_form(draw: InspectionDraw, assignments, **kwargs) -> RecusalForm:
    form = RecusalForm(prefix="recuse", **kwargs)
    people = published.names({i for a in assignments for i in a.inspector_id_list})
    form.pair.choices = [("", _("Choose"))] + [
        (f"{a.id}:{i}", f"{a.institution.name} · {people.get(i, i)}")
        for a in assignments if a.outcome is None for i in a.inspector_id_list]
    return form


@bp.get("/<int:draw_id>")
@staff_required(*ROLES)
def detail(draw_id: int):
    """One draw: its parameters, directories, and the steps its state allows."""
    return _detail_page(_draw(draw_id))


def _fresh(form, draw: InspectionDraw):
    """The posted step's form; 409 when the page was out of date (the state changed since)."""
    if form.state.data and form.state.data != draw.state.value:
        abort(409)
    return form


PUBLIC_VALUE_REFUSALS = {
    "public_value": lambda draw: _("Enter the public value named at the commitment: %(source)s.",
                                   source=draw.public_value_source),
    "public_value_date": lambda draw: (
        _("The public value is published on %(day)s: draw from that day on.", day=str(draw.public_value_date))
        if draw.public_value_date else _("Choose a day after today: the value must not exist yet.")),
}
COMMIT_REFUSALS = {
    "targets": lambda: _("No institution of the jurisdiction matches the filters: change the draw's filters."),
    "inspectors": lambda: _("The directory has fewer enforcement officers than the inspectors per institution."),
}


def _simple_step(draw_id: int, name: str, action, message: str, form=None):
    draw = _draw(draw_id, for_update=True)
    form = _fresh(form or StateForm(prefix=name), draw)
    if not form.validate_on_submit():
        return _detail_page(draw, failed=name, failed_form=form, status=422)
    try:
        action(draw, _user())
    except service.PublicValueRefused as exc:
        field = form.public_value if exc.args[0] == "public_value" else getattr(form, "public_value_date", None)
        problem = PUBLIC_VALUE_REFUSALS[exc.args[0]](draw)
        if field is not None:
            field.errors = [problem]
        return _detail_page(draw, failed=name, failed_form=form, status=422, message=problem)
    except service.InvalidDraw as exc:
        return _detail_page(draw, failed=name, failed_form=form, message=COMMIT_REFUSALS[exc.args[0]](), status=409)
    except service.ResultsIncomplete:
        return _detail_page(draw, failed=name, failed_form=form, status=409,
                            message=_("Every drawn institution needs a result before publication."))
    flash(message, "success")
    return redirect(url_for(".detail", draw_id=draw.id))


@bp.post("/<int:draw_id>/commit")
@staff_required(*MANAGERS)
def commit(draw_id: int):
    """Freeze both directories, seal the seed and publish the hashes, the commitment and the public
    value the draw will wait for."""
    form = CommitForm(prefix="commit")
    return _simple_step(draw_id, "commit", lambda draw, user: service.commit(
        draw, user, public_value_source=form.public_value_source.data, public_value_date=form.public_value_date.data),
        _("Committed. The public page now shows the directory hashes, the seed's commitment and the public "
          "value the draw waits for."), form)


@bp.post("/<int:draw_id>/draw")
@staff_required(*MANAGERS)
def draw(draw_id: int):
    """Reveal the seed: the institutions and their inspectors follow from it and the public value."""
    form = RevealForm(prefix="draw")
    return _simple_step(draw_id, "draw", lambda draw, user: service.reveal(
        draw, user, public_value=form.public_value.data),
        _("Drawn. The seed is revealed and anyone can now recompute the draw."), form)


@bp.post("/<int:draw_id>/publish")
@staff_required(*MANAGERS)
def publish(draw_id: int):
    """Publish the results once every drawn institution has one."""
    return _simple_step(draw_id, "publish", service.publish, _("The results were published."))


RECUSAL_REFUSALS = {
    "not_on_team": lambda: _("This inspector is not on that institution's team."),
    "has_result": lambda: _("This institution already has a result: no recusal after the inspection."),
    "no_replacement": lambda: _("No other inspector of the directory is left to replace them."),
    "reason": lambda: _("Give the conflict of interest."),
    "pending": lambda: _("A recusal of this inspector from this institution is already recorded or proposed."),
    "second_person": lambda: _("Someone other than the proposer and the inspector confirms a proposed recusal."),
}


@bp.post("/<int:draw_id>/recusal")
@staff_required(*MANAGERS)
def recusal(draw_id: int):
    """An inspector stands down from one institution; the seed names the replacement."""
    draw = _draw(draw_id, for_update=True)
    assignments = published.assignments_of(draw)
    form = _fresh(_recusal_form(draw, assignments), draw)
    if form.validate_on_submit():
        assignment_id, _sep, inspector_id = form.pair.data.partition(":")
        try:
            assignment = service.assignment_of(draw, int(assignment_id))
            done = service.recuse(draw, assignment, _user(), int(inspector_id), form.reason.data)
        except (ValueError, service.DrawNotFound):
            form.pair.errors = [_("Choose the institution and the inspector who stands down.")]
        except service.RecusalRefused as exc:
            form.pair.errors = [RECUSAL_REFUSALS[exc.args[0]]()]
        else:
            _recusal_flash(done)
            return redirect(url_for(".detail", draw_id=draw.id))
    return _detail_page(draw, failed="recuse", failed_form=form, status=422)


def _recusal_flash(done) -> None:
    if done.replacement_id is None:
        name = published.names({done.inspector_id})[done.inspector_id]
        flash(_("Proposed: %(old)s stands down once someone else (not %(old)s, not you) confirms it.", old=name),
              "success")
        return
    names = published.names({done.inspector_id, done.replacement_id})
    flash(_("%(old)s stood down; the seed's next inspector, %(new)s, replaces them.",
            old=names[done.inspector_id], new=names[done.replacement_id]), "success")


@bp.post("/<int:draw_id>/recusals/<int:recusal_id>/confirm")
@staff_required(*MANAGERS)
def confirm_recusal(draw_id: int, recusal_id: int):
    """A second person confirms a recusal someone other than the inspector proposed."""
    draw = _draw(draw_id, for_update=True)
    proposal = service.pending_recusal(draw, recusal_id)
    form = _fresh(StateForm(prefix=f"confirm{recusal_id}"), draw)
    if not form.validate_on_submit():
        return _detail_page(draw, status=422)
    try:
        done = service.confirm_recusal(draw, proposal, _user())
    except service.RecusalRefused as exc:
        return _detail_page(draw, status=409, message=RECUSAL_REFUSALS[exc.args[0]]())
    _recusal_flash(done)
    return redirect(url_for(".detail", draw_id=draw.id))


@bp.post("/<int:draw_id>/result")
@staff_required(*MANAGERS)
def result(draw_id: int):
    """Enter or correct one institution's result (until publication)."""
    draw = _draw(draw_id, for_update=True)
    try:
        assignment = service.assignment_of(draw, int(request.form.get("assignment", "")))
    except (ValueError, service.DrawNotFound):
        return _detail_page(draw, status=422)
    form = _fresh(ResultForm(prefix=f"r{assignment.id}"), draw)
    if form.validate_on_submit():
        complaint_id = None
        if form.case_number.data:
            try:
                complaint_id = complaints.find_case_number(_user(), form.case_number.data).id
            except complaints.CaseNotFound:
                form.case_number.errors = [_("No case with this number in your jurisdiction.")]
        if not form.case_number.errors:
            try:
                service.record_result(draw, assignment, _user(), Outcome(form.outcome.data), form.note.data,
                                      complaint_id)
            except service.ResultInvalid as exc:
                if exc.args[0] == "note":
                    form.note.errors = [_("Say what was found.")]
                else:
                    form.case_number.errors = [_("A case number goes with the result Case opened.")]
            else:
                flash(_("The result for %(name)s was recorded.", name=assignment.institution.name), "success")
                return redirect(url_for(".detail", draw_id=draw.id, _anchor=f"target-{assignment.id}"))
    return _detail_page(draw, failed=f"result-{assignment.id}", failed_form=form, status=422)
