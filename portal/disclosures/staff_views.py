"""The back office's penalty disclosures: the list, the draft form with the discretion
benchmark, review before publication and withdrawal; and the benchmark itself."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework import queries as complaints
from portal.disclosures import service
from portal.disclosures.forms import (
    DisclosureForm,
    ReviewForm,
    RevocationForm,
    SubmitForm,
    WithdrawForm,
    period_message,
)
from portal.disclosures.models import Disclosure, DisclosureState, PartyType
from portal.discretion import service as catalogue
from portal.discretion.models import DiscretionRule
from portal.extensions import db
from portal.i18n import _, _l
from portal.identifiers import clean
from portal.institutions import service as institutions
from portal.institutions.models import Institution
from portal.pagination import paginate, parse_page_number
from portal.publication import clocks
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.security import audit
from portal.workflow.review import ReviewPages

bp = Blueprint("disclosure_staff", __name__, url_prefix="/staff")

ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)
DRAFTERS = (Role.ADMIN, Role.HANDLER)


def _user():
    return current_user._get_current_object()


def _disclosure(disclosure_id: int) -> Disclosure:
    return service.for_staff(_user(), disclosure_id)


def _counties(user) -> list:
    """The counties a record of this person's jurisdiction may belong to."""
    return regions.counties_within(user.region_code)


@bp.get("/disclosures")
@staff_required(*ROLES)
def index():
    """The jurisdiction's disclosures by state, newest decision first."""
    user = _user()
    state = next((s for s in DisclosureState if s.value == request.args.get("state")), None)
    page = paginate(service.in_jurisdiction(user, state), parse_page_number(request.args.get("page")),
                    current_app.config["PAGE_SIZE"])
    args = {"state": state.value} if state else {}
    calendar = clocks.calendar_covering(page.items)
    return render_template("disclosures/staff_index.html", page=page, state=state, args=args,
                           counts=service.counts(user), States=DisclosureState, today=clock.today(),
                           clocks={d.id: clocks.clocks(d, calendar) for d in page.items},
                           places=regions.by_codes({d.region_code for d in page.items}))


# ---- The draft form ----------------------------------------------------------------------------

def _prefill(disclosure: Disclosure) -> dict:
    case_number = ""
    if disclosure.complaint_id:
        from portal.casework.models import Complaint
        case_number = db.session.get(Complaint, disclosure.complaint_id).case_number
    return {"region": disclosure.region_code, "institution": str(disclosure.institution_id or ""),
            "party_name": disclosure.party_name, "party_type": disclosure.party_type.value,
            "uscc": disclosure.uscc or "", "legal_representative": disclosure.legal_representative,
            "case_number": case_number, "decision_number": disclosure.decision_number,
            "violation": disclosure.violation.value, "circumstance": disclosure.circumstance.value,
            "facts": disclosure.facts, "legal_basis": disclosure.legal_basis,
            "penalties": [p.value for p in disclosure.penalty_list], "penalty_content": disclosure.penalty_content,
            "fine_amount": disclosure.fine_amount, "confiscated_amount": disclosure.confiscated_amount,
            "outside_range_reason": disclosure.outside_range_reason, "decision_date": disclosure.decision_date,
            "valid_until": disclosure.valid_until, "months": disclosure.period_months,
            "lifelong": disclosure.lifelong, "simplified_procedure": disclosure.simplified_procedure,
            "legal_reviewer_name": disclosure.legal_reviewer_name, "legal_reviewed_on": disclosure.legal_reviewed_on,
            "collective_discussion": disclosure.collective_discussion,
            "authority_name": disclosure.authority_name, "authority_uscc": disclosure.authority_uscc,
            "data_source": disclosure.data_source, "remarks": disclosure.remarks}


def _new_defaults(user) -> dict:
    office = regions.get(user.region_code)
    name = f"{office.name_zh}教育局"
    return {"authority_name": name, "data_source": name, "decision_date": clock.today(),
            "region": office.code if office.level is RegionLevel.COUNTY else ""}


def _institution(text: str) -> Institution | None:
    """The registry's institution for a registry number or a USCC; LookupError if none."""
    code = clean(text)
    if code.isdigit() and len(code) < 18:
        return institutions.get(int(code))
    from sqlalchemy import select
    found = db.session.scalar(select(Institution).where(Institution.uscc == code))
    if found is None:
        raise institutions.InstitutionNotFound(code)
    return found


def _draft_data(form: DisclosureForm) -> service.DraftData | None:
    """The form's values for the service; None (with errors beside the fields) when the registry
    or the case number does not resolve."""
    user = _user()
    institution = complaint = None
    if form.institution.data:
        try:
            institution = _institution(form.institution.data)
        except institutions.InstitutionNotFound:
            form.institution.errors = [_("No institution with this registry number or code.")]
    if form.case_number.data:
        try:
            complaint = complaints.find_case_number(user, form.case_number.data)
        except complaints.CaseNotFound:
            form.case_number.errors = [_("No case with this number in your jurisdiction.")]
    if form.institution.errors or form.case_number.errors:
        return None
    return service.DraftData(
        region_code=form.region.data, party_name=form.party_name.data or institution.name,
        party_type=PartyType(form.party_type.data), decision_number=form.decision_number.data,
        violation=form.chosen_violation, circumstance=form.chosen_circumstance, facts=form.facts.data,
        legal_basis=form.legal_basis.data, penalties=form.chosen_penalties, penalty_content=form.penalty_content.data,
        decision_date=form.decision_date.data, months=form.months.data, lifelong=form.lifelong.data,
        simplified_procedure=form.simplified_procedure.data, legal_reviewer_name=form.legal_reviewer_name.data,
        legal_reviewed_on=form.legal_reviewed_on.data, collective_discussion=form.collective_discussion.data,
        authority_name=form.authority_name.data, authority_uscc=form.authority_uscc.data,
        data_source=form.data_source.data, uscc=form.uscc.data or (institution.uscc if institution else None),
        legal_representative=form.legal_representative.data, institution_id=institution.id if institution else None,
        complaint_id=complaint.id if complaint else None, fine_amount=form.fine_amount.data,
        confiscated_amount=form.confiscated_amount.data, outside_range_reason=form.outside_range_reason.data,
        valid_until=form.valid_until.data, remarks=form.remarks.data)


def _outside(form: DisclosureForm, rule: DiscretionRule | None) -> list[str]:
    if form.fine_amount.errors:
        return catalogue.outside_range(rule, form.chosen_penalties, None)
    return catalogue.outside_range(rule, form.chosen_penalties, form.fine_amount.data)


def _benchmark(form: DisclosureForm) -> DiscretionRule | None:
    """The benchmark line in force where the form's district lies (the drafter's own jurisdiction
    while no district of theirs is chosen): the province's own line, else the national one."""
    chosen = form.region.data if form.region.data in {choice.value for choice in form.region.choices if choice.value} \
        else None
    return catalogue.benchmark(form.chosen_violation, form.chosen_circumstance, chosen or _user().region_code)


def _save(form: DisclosureForm, disclosure: Disclosure | None):
    """Validate and store the draft; the stored disclosure, or None with the errors on the form.
    The "Show the benchmark" button only re-renders the form."""
    if request.form.get("action") == "benchmark":
        return None
    valid = form.validate_on_submit()
    rule = _benchmark(form)
    if _outside(form, rule) and not form.outside_range_reason.data:
        form.outside_range_reason.errors = [_("This penalty falls outside the benchmark: give the reason.")]
        valid = False
    if not valid:
        return None
    data = _draft_data(form)
    if data is None:
        return None
    try:
        return service.save_draft(_user(), data, disclosure)
    except service.DecisionNumberTaken:
        form.decision_number.errors = [_("Another disclosure already has this decision number.")]
    except service.ReasonRequired:
        form.outside_range_reason.errors = [_("This penalty falls outside the benchmark: give the reason.")]
    except service.InvalidPeriod as exc:
        form.months.errors = [str(period_message(*exc.args[0]))]
    except service.InvalidDraft as exc:
        getattr(form, exc.args[0]).errors = [_("Check this field.")]
    return None


def _form_page(form: DisclosureForm, disclosure: Disclosure | None, status: int):
    rule = _benchmark(form)
    return render_template("disclosures/staff_form.html", form=form, disclosure=disclosure, rule=rule,
                           rule_penalties=catalogue.rule_penalties(rule) if rule else [],
                           outside=_outside(form, rule)), status


@bp.route("/disclosures/new", methods=["GET", "POST"])
@staff_required(*DRAFTERS)
def new():
    """Draft a penalty disclosure."""
    user = _user()
    form = DisclosureForm(counties=_counties(user), data=None if request.method == "POST" else _new_defaults(user))
    if request.method == "POST":
        saved = _save(form, None)
        if saved is not None:
            flash(_("The draft was saved. Submit it for publication review when it is complete."), "success")
            return redirect(url_for(".detail", disclosure_id=saved.id))
        return _form_page(form, None, 200 if request.form.get("action") == "benchmark" else 422)
    return _form_page(form, None, 200)


# ---- One disclosure ----------------------------------------------------------------------------

def _detail_page(disclosure: Disclosure, form: DisclosureForm | None = None, failed: str | None = None,
                 failed_form=None, message: str = "", status: int = 200):
    user = _user()
    steps = service.allowed_steps(disclosure, user)
    if form is None and "edit" in steps:
        form = DisclosureForm(counties=_counties(user), data=_prefill(disclosure))
    forms = PAGES.forms_for(disclosure, failed, failed_form)
    if failed != "withdraw" and disclosure.revoked_on:
        forms["withdraw"].revoked_on.data = disclosure.revoked_on
    rule = catalogue.benchmark(disclosure.violation, disclosure.circumstance, disclosure.region_code)
    shown_rule = _benchmark(form) if form else rule
    from portal.casework.models import Complaint
    case = db.session.get(Complaint, disclosure.complaint_id) if disclosure.complaint_id else None
    from portal.accounts.models import User
    people = {u.id: u for u in (db.session.get(User, disclosure.drafter_id),
                                disclosure.reviewer_id and db.session.get(User, disclosure.reviewer_id)) if u}
    return render_template(
        "disclosures/staff_detail.html", disclosure=disclosure, form=form, steps=steps, forms=forms,
        failed=failed, message=message, rule=shown_rule, stored_rule=rule,
        rule_penalties=catalogue.rule_penalties(shown_rule) if shown_rule else [],
        outside=_outside(form, shown_rule) if form else catalogue.outside_range(
            rule, disclosure.penalty_list, disclosure.fine_amount),
        case=case, people=people, place=regions.get(disclosure.region_code),
        own_draft=user.id == disclosure.drafter_id and user.role is Role.REVIEWER,
        today=clock.today(), clocks=clocks.clocks(disclosure),
        audit_entries=audit.for_object("disclosure", disclosure.id)), status


@bp.route("/disclosures/<int:disclosure_id>", methods=["GET", "POST"])
@staff_required(*ROLES)
def detail(disclosure_id: int):
    """One disclosure: the draft form while it may be edited, and the steps its state allows."""
    user, disclosure = _user(), _disclosure(disclosure_id)
    if request.method == "GET":
        return _detail_page(disclosure)
    if user.role not in DRAFTERS:
        abort(403)
    if not service.STEPS.may(user, disclosure, "edit"):
        abort(409)  # "Show the benchmark" stores nothing, so no service call would refuse it
    form = DisclosureForm(counties=_counties(user))
    saved = _save(form, disclosure)
    if saved is not None:
        flash(_("The draft was saved."), "success")
        return redirect(url_for(".detail", disclosure_id=disclosure.id))
    return _detail_page(disclosure, form=form, status=200 if request.form.get("action") == "benchmark" else 422)


PAGES = ReviewPages(
    service, {"submit": SubmitForm, "review": ReviewForm, "withdraw": WithdrawForm, "revocation": RevocationForm},
    _detail_page, ".detail", "disclosure_id",
    own_work=_l("You drafted this disclosure: another reviewer must check it before publication."),
    done={"submit": _l("Sent for publication review."), "approve": _l("Published."),
          "return": _l("Returned to the drafter."),
          "withdraw": _l("Withdrawn. The public page shows it as withdrawn with the reason.")})


@bp.post("/disclosures/<int:disclosure_id>/submit")
@staff_required(*DRAFTERS)
def submit(disclosure_id: int):
    """Send the draft for the review before publication (公示审核)."""
    return PAGES.submit(_disclosure(disclosure_id), _user())


@bp.post("/disclosures/<int:disclosure_id>/review")
@staff_required(Role.REVIEWER)
def review(disclosure_id: int):
    """The review before publication (公示审核): approve and publish, or return with comments."""
    return PAGES.review(_disclosure(disclosure_id), _user())


@bp.post("/disclosures/<int:disclosure_id>/withdraw")
@staff_required(*DRAFTERS)
def withdraw(disclosure_id: int):
    """Withdraw a published decision that was revoked or changed, with the day of the revocation
    and the public reason."""
    disclosure = _disclosure(disclosure_id)
    form = PAGES.step_form(disclosure, "withdraw")
    if form.validate_on_submit():
        try:
            service.withdraw(disclosure, _user(), form.reason.data, form.revoked_on.data)
        except service.RevocationDateInvalid:
            form.revoked_on.errors = [_("The day must lie between the decision date and today.")]
        else:
            flash(_("Withdrawn. The public page shows it as withdrawn with the reason."), "success")
            return redirect(url_for(".detail", disclosure_id=disclosure.id))
    return _detail_page(disclosure, failed="withdraw", failed_form=form, status=422)


@bp.post("/disclosures/<int:disclosure_id>/revocation")
@staff_required(*DRAFTERS)
def revocation(disclosure_id: int):
    """Record the day a published decision was revoked or changed; its withdrawal clock starts."""
    disclosure = _disclosure(disclosure_id)
    form = PAGES.step_form(disclosure, "revocation")
    if form.validate_on_submit():
        try:
            service.record_revocation(disclosure, _user(), form.revoked_on.data)
        except service.RevocationDateInvalid:
            form.revoked_on.errors = [_("The day must lie between the decision date and today.")]
        else:
            flash(_("The revocation was recorded: withdraw the decision within 3 working days."), "success")
            return redirect(url_for(".detail", disclosure_id=disclosure.id))
    return _detail_page(disclosure, failed="revocation", failed_form=form, status=422)
