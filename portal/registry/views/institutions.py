"""Staff keep the registry: search their jurisdiction's institutions, see each one's versions and
inspections, and (registry officers) create, edit, close and enter annual inspections."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.access import staff_required
from portal.i18n import _
from portal.institutions import service as institutions
from portal.institutions import whitelist
from portal.institutions.models import AnnualInspection
from portal.pagination import parse_page_number
from portal.regions import service as regions
from portal.registry import facts as facts_
from portal.registry import service
from portal.registry.forms import CloseForm, InspectionForm, InstitutionForm

bp = Blueprint("registry", __name__, url_prefix="/staff/registry")
STAFF = service.STAFF_ROLES


@bp.get("")
@staff_required(*STAFF)
def index():
    """Search the jurisdiction's registry; licences that expire within 30 days first."""
    text = request.args.get("q", "")
    query = institutions.InstitutionQuery.from_input(text, regions.get(current_user.region_code).scope_prefix)
    page = institutions.search(query, parse_page_number(request.args.get("page")), current_app.config["PAGE_SIZE"])
    return render_template("registry/index.html", page=page, q=query.text, expiring=service.expiring(current_user),
                           officer=current_user.registry_officer, days=service.EXPIRY_NOTICE_DAYS)


def _form_errors(form: InstitutionForm, exc: Exception) -> None:
    if isinstance(exc, service.Duplicate):
        target = form.uscc if exc.field == "uscc" else form.licence_number
        target.errors = [_("Institution no. %(id)s already has it: edit that one instead.", id=exc.other_id)]
    elif isinstance(exc, service.OutsideJurisdiction):
        form.premises.errors = [_("The place %(code)s lies outside your jurisdiction.", code=exc.args[0])]


def _check_region(form: InstitutionForm) -> bool:
    if form.region.region is not None and not accounts.covers(current_user, form.region.region.code):
        form.region.errors = [_("Choose a county inside your own jurisdiction.")]
        return False
    return True


@bp.route("/new", methods=["GET", "POST"])
@staff_required(*STAFF)
def new():
    """Enter an institution the registry does not hold yet."""
    service.check_officer(current_user)
    form = InstitutionForm()
    if form.validate_on_submit() and _check_region(form):
        try:
            institution = service.create(current_user, form.facts(), reason=form.reason.data)
        except (service.Duplicate, service.OutsideJurisdiction) as exc:
            _form_errors(form, exc)
        else:
            flash(_("The institution was entered in the registry."), "success")
            return redirect(url_for(".detail", institution_id=institution.id))
    return render_template("registry/form.html", form=form, institution=None), 422 if form.errors else 200


def _detail(institution, close_form=None, inspection_form=None, status: int = 200):
    today = clock.today()
    return render_template(
        "registry/detail.html", institution=institution, verdict=whitelist.verdict(institution.id, today),
        history=service.history(institution), inspections=service.inspections(institution),
        labels=facts_.LABELS, shown=facts_.shown, officer=current_user.registry_officer,
        facts=facts_.of(institution).to_json(),
        close_form=close_form or CloseForm(version=str(institution.version)),
        inspection_form=inspection_form or InspectionForm(year=today.year - 1)), status


@bp.get("/<int:institution_id>")
@staff_required(*STAFF)
def detail(institution_id: int):
    """One institution as staff see it: facts, standing, inspections by year and every version."""
    return _detail(service.get(current_user, institution_id))


@bp.route("/<int:institution_id>/edit", methods=["GET", "POST"])
@staff_required(*STAFF)
def edit(institution_id: int):
    """Change an institution's facts; the earlier version is kept, the reason recorded."""
    service.check_officer(current_user)
    institution = service.get(current_user, institution_id)
    form = InstitutionForm(require_reason=True)
    if request.method == "GET":
        form.fill(facts_.of(institution), institution.version)
    elif form.validate_on_submit() and _check_region(form):
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        try:
            changed = service.update(current_user, institution, form.facts(), version, reason=form.reason.data)
        except service.Stale:
            flash(_("Someone changed this institution after you opened the form. Your changes were not saved: "
                    "compare with the facts below and edit again."), "error")
            return redirect(url_for(".detail", institution_id=institution.id))
        except (service.Duplicate, service.OutsideJurisdiction) as exc:
            _form_errors(form, exc)
        else:
            flash(_("Saved: %(fields)s.", fields="、".join(str(facts_.LABELS[name]) for name in changed))
                  if changed else _("Nothing was changed."), "success")
            return redirect(url_for(".detail", institution_id=institution.id))
    return render_template("registry/form.html", form=form, institution=institution), 422 if form.errors else 200


@bp.post("/<int:institution_id>/close")
@staff_required(*STAFF)
def close(institution_id: int):
    """Record that the institution closed; it stays in the registry."""
    service.check_officer(current_user)
    institution = service.get(current_user, institution_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return _detail(institution, close_form=form, status=422)
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    service.close(current_user, institution, form.closed_on.data, form.reason.data, version)
    flash(_("The closure was recorded."), "success")
    return redirect(url_for(".detail", institution_id=institution.id))


@bp.post("/<int:institution_id>/inspections")
@staff_required(*STAFF)
def inspection(institution_id: int):
    """Enter or correct one year's annual inspection result."""
    service.check_officer(current_user)
    institution = service.get(current_user, institution_id)
    form = InspectionForm()
    if not form.validate_on_submit():
        return _detail(institution, inspection_form=form, status=422)
    service.record_inspection(current_user, institution, form.year.data, AnnualInspection(form.result.data),
                              form.inspected_on.data, form.notes.data or "")
    flash(_("The %(year)s annual inspection was recorded.", year=form.year.data), "success")
    return redirect(url_for(".detail", institution_id=institution.id) + "#inspections-heading")
