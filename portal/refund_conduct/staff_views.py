"""Staff pages of refund conduct: the jurisdiction's flagged institutions, one institution's flag
and decisions with the forms to propose, approve or refuse; the marks other pages draw."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import clock
from portal.accounts.access import staff_required
from portal.i18n import _
from portal.refund_conduct import queries, service
from portal.refund_conduct.forms import APPROVE, DecideForm, FindingForm, LiftingForm
from portal.workflow import StepNotAllowed

bp = Blueprint("refund_conduct", __name__, url_prefix="/staff/refund-conduct")
ROLES = service.VIEWERS


def _user():
    return current_user._get_current_object()


def _case_choices(found: dict) -> list[tuple[int, str]]:
    numbers, complaint_of = found["numbers"], found["complaint_of"]
    return [(case.id, numbers.get(complaint_of.get(case.id), str(case.id))) for case in found["candidates"]]


def _page(institution, forms: dict | None = None, message: str = "", status: int = 200):
    found = queries.page(institution, _user(), clock.today())
    forms = forms or {}
    shown = {"finding": forms.get("finding") or FindingForm(prefix="finding", cases=_case_choices(found)),
             "lifting": forms.get("lifting") or LiftingForm(prefix="lifting"),
             "decide": forms.get("decide") or DecideForm(prefix="decide")}
    if "finding" not in forms:
        shown["finding"].cases.data = [case.id for case in found["flag"].cases]
    return render_template("refund_conduct/institution.html", **found, forms=shown, message=message), status


def _refused(institution):
    return _page(institution, message=_("This is not possible now: someone may have acted a moment ago, the "
                                        "institution is no longer flagged, or it is not open to you. This page "
                                        "shows it as it is now. Nothing was saved."), status=409)


@bp.get("")
@staff_required(*ROLES)
def index():
    """The jurisdiction's flagged institutions, with their counts and decisions, and what waits."""
    user = _user()
    return render_template("refund_conduct/index.html", rows=queries.flagged_rows(user, clock.today()),
                           waiting=service.waiting_in(user))


@bp.get("/<int:institution_id>")
@staff_required(*ROLES)
def institution(institution_id: int):
    """One institution: its flag, the cases behind it, the decisions, and the steps open here."""
    return _page(service.institution_for(_user(), institution_id))


@bp.post("/<int:institution_id>/finding")
@staff_required(*ROLES)
def propose_finding(institution_id: int):
    """Propose the finding (认定); a second officer of the office decides."""
    found = service.institution_for(_user(), institution_id)
    page = queries.page(found, _user(), clock.today())
    form = FindingForm(prefix="finding", cases=_case_choices(page))
    if not page["may_find"]:
        return _refused(found)
    if form.validate_on_submit():
        try:
            service.propose_finding(found, _user(), form.reason.data, set(form.cases.data or ()),
                                    form.told_on.data, form.until.data)
        except service.CasesMissing:
            form.cases.errors = [_("Choose every case the flag counts.")]
        except service.DayOutOfRange as wrong:
            field = form[wrong.args[0]]
            field.errors = [_("Give a day up to today.") if field is form.told_on
                            else _("Give a day after today, or leave it empty.")]
        except (StepNotAllowed, service.AlreadyOpen, service.NotFlagged):
            return _refused(found)
        else:
            flash(_("Finding proposed. It takes effect only when another certified officer of the office "
                    "approves it."), "success")
            return redirect(url_for(".institution", institution_id=found.id))
    return _page(found, {"finding": form}, status=422)


@bp.post("/<int:institution_id>/lifting")
@staff_required(*ROLES)
def propose_lifting(institution_id: int):
    """Propose lifting the finding in force, with the reason; a second officer decides."""
    found = service.institution_for(_user(), institution_id)
    form = LiftingForm(prefix="lifting")
    if not queries.page(found, _user(), clock.today())["may_lift"]:
        return _refused(found)
    if form.validate_on_submit():
        try:
            service.propose_lifting(found, _user(), form.reason.data)
        except (StepNotAllowed, service.AlreadyOpen, service.NotInForce):
            return _refused(found)
        flash(_("Lifting proposed. The finding stays in force until another certified officer of the office "
                "approves it."), "success")
        return redirect(url_for(".institution", institution_id=found.id))
    return _page(found, {"lifting": form}, status=422)


@bp.post("/decisions/<int:decision_id>")
@staff_required(*ROLES)
def decide(decision_id: int):
    """Approve or refuse the proposal waiting (never one's own)."""
    decision = service.decision_for(_user(), decision_id, for_update=True)
    found = service.institution_for(_user(), decision.institution_id)
    if not service.may_decide(_user(), decision):
        own = decision.proposed_by_id == _user().id
        return _page(found, message=_("You proposed this: another certified officer of the office decides on it.")
                     if own else _("Only another certified officer of the proposing office can decide, and only "
                                   "while the proposal waits. Nothing was saved."), status=409)
    form = DecideForm(prefix="decide")
    if not form.validate_on_submit():
        return _page(found, {"decide": form}, status=422)
    approve = form.decision.data == APPROVE
    try:
        service.decide(decision, _user(), approve, form.note.data)
    except (StepNotAllowed, service.NotInForce):
        return _refused(found)
    flash(_("Approved.") if approve else _("Refused: the proposal has no effect."), "success")
    return redirect(url_for(".institution", institution_id=found.id))


def mark(institution_id: int | None) -> Markup:
    """The flag and the finding in force, for the registry page and the mediation panel (staff who
    handle cases only); empty when there is nothing to say."""
    user = _user()
    if not user.is_authenticated or getattr(user, "role", None) not in ROLES:
        return Markup("")
    found = queries.mark(institution_id, user, clock.today())
    return Markup(render_template("refund_conduct/mark.html", mark=found)) if found else Markup("")
