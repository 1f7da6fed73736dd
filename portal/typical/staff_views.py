"""Writing and reviewing typical cases in the back office: the jurisdiction's list, the Markdown
editor with a server-side preview, review by someone other than the drafter, withdrawal."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock, richtext
from portal.accounts.access import staff_required
from portal.accounts.models import Role, User
from portal.extensions import db
from portal.i18n import _, _l, _lp
from portal.pagination import paginate, parse_page_number
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.security import audit
from portal.typical import service
from portal.typical.forms import CaseForm, ReviewForm, SubmitForm, WithdrawForm, lines
from portal.typical.models import ArticleState, TypicalCase
from portal.workflow.review import ReviewPages

bp = Blueprint("typical_staff", __name__, url_prefix="/staff/typical-cases")

ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)
DRAFTERS = (Role.ADMIN, Role.HANDLER)


def _user() -> User:
    return current_user._get_current_object()


def _case(case_id: int) -> TypicalCase:
    return service.for_staff(_user(), case_id)


def _places(user: User) -> list:
    """The person's own area and every area inside it, from the widest down."""
    found, level = [regions.get(user.region_code)], [regions.get(user.region_code)]
    while level and level[0].level is not RegionLevel.COUNTY:
        level = [child for region in level for child in regions.children(region.code)]
        found += level
    return found


@bp.get("")
@staff_required(*ROLES)
def index():
    """The jurisdiction's typical cases by state, newest case first."""
    user = _user()
    state = next((s for s in ArticleState if s.value == request.args.get("state")), None)
    page = paginate(service.in_jurisdiction(user, state), parse_page_number(request.args.get("page")),
                    current_app.config["PAGE_SIZE"])
    return render_template("typical/staff_index.html", page=page, state=state,
                           args={"state": state.value} if state else {}, counts=service.counts(user),
                           States=ArticleState, places=regions.by_codes({c.region_code for c in page.items}))


# ---- The editor --------------------------------------------------------------------------------

def _prefill(case: TypicalCase) -> dict:
    return {"region": case.region_code, "case_date": case.case_date, "title": case.title, "summary": case.summary,
            "body": case.body_source, "title_en": case.title_en, "summary_en": case.summary_en,
            "body_en": case.body_en_source,
            "disclosures": "\n".join(d.decision_number for d in case.disclosures),
            "institutions": "\n".join(i.uscc or str(i.id) for i in case.institutions)}


def _resolve(form: CaseForm, finder, field) -> list[int]:
    """Each line of a link field as a record id; the first line that does not resolve is
    reported beside the field."""
    ids = []
    for text in lines(field.data):
        try:
            ids.append(finder(_user(), text).id)
        except service.LinkNotFound:
            field.errors = [_("Not found among the published decisions of your jurisdiction: %(text)s", text=text)
                            if field is form.disclosures else
                            _("No institution of your jurisdiction with this registry number or code: %(text)s",
                              text=text)]
            break
    return ids


def _draft_data(form: CaseForm) -> service.DraftData | None:
    """The form's values for the service; None (errors beside the fields) when a link does not resolve."""
    disclosure_ids = _resolve(form, service.find_disclosure, form.disclosures)
    institution_ids = _resolve(form, service.find_institution, form.institutions)
    if form.disclosures.errors or form.institutions.errors:
        return None
    return service.DraftData(
        region_code=form.region.data, case_date=form.case_date.data, title=form.title.data,
        summary=form.summary.data, body_source=form.body.data, title_en=form.title_en.data,
        summary_en=form.summary_en.data, body_en_source=form.body_en.data, disclosure_ids=disclosure_ids,
        institution_ids=institution_ids)


def _save(form: CaseForm, case: TypicalCase | None) -> TypicalCase | None:
    """Validate and store the draft; None with the errors on the form."""
    if not form.validate_on_submit():
        return None
    data = _draft_data(form)
    if data is None:
        return None
    try:
        return service.save_draft(_user(), data, case)
    except (service.InvalidDraft, service.LinkNotFound) as exc:  # the form's checks normally catch these first
        getattr(form, exc.args[0]).errors = [_("Check this field.")]
    return None


def _preview(form: CaseForm) -> dict | None:
    """The bodies as they would be published, when the Preview button was pressed."""
    if request.form.get("action") != "preview":
        return None
    return {"body": richtext.render(form.body.data), "body_en": richtext.render(form.body_en.data)}


def _editor_response(form: CaseForm, case: TypicalCase | None):
    """Preview, or save and go to the article; the form again with what was typed otherwise."""
    preview = _preview(form)
    if preview is None:
        saved = _save(form, case)
        if saved is not None:
            flash(_("The draft was saved. Submit it for review when it is complete.") if case is None
                  else _("The draft was saved."), "success")
            return redirect(url_for(".detail", typical_case_id=saved.id))
    if case is None:
        return render_template("typical/staff_form.html", form=form, preview=preview), 200 if preview else 422
    return _detail_page(case, form=form, preview=preview, status=200 if preview else 422)


@bp.route("/new", methods=["GET", "POST"])
@staff_required(*DRAFTERS)
def new():
    """Write a new typical case."""
    user = _user()
    own = regions.get(user.region_code)
    form = CaseForm(places=_places(user), data=None if request.method == "POST" else {
        "region": own.code if own.level is RegionLevel.COUNTY else "", "case_date": clock.today()})
    if request.method == "POST":
        return _editor_response(form, None)
    return render_template("typical/staff_form.html", form=form, preview=None)


# ---- One article -------------------------------------------------------------------------------

def _detail_page(case: TypicalCase, form: CaseForm | None = None, preview: dict | None = None,
                 failed: str | None = None, failed_form=None, message: str = "", status: int = 200):
    user = _user()
    steps = service.allowed_steps(case, user)
    if form is None and "edit" in steps:
        form = CaseForm(places=_places(user), data=_prefill(case))
    forms = PAGES.forms_for(case, failed, failed_form)
    people = {u.id: u for u in (db.session.get(User, case.drafter_id),
                                case.reviewer_id and db.session.get(User, case.reviewer_id)) if u}
    return render_template(
        "typical/staff_detail.html", case=case, form=form, preview=preview, steps=steps, forms=forms,
        failed=failed, message=message, people=people, place=regions.get(case.region_code),
        own_draft=user.id == case.drafter_id and user.role is Role.REVIEWER,
        audit_entries=audit.for_object("typical_case", case.id)), status


@bp.route("/<int:typical_case_id>", methods=["GET", "POST"])
@staff_required(*ROLES)
def detail(typical_case_id: int):
    """One article: the editor while it may be changed, and the steps its state allows."""
    user, case = _user(), _case(typical_case_id)
    if request.method == "GET":
        return _detail_page(case)
    if user.role not in DRAFTERS:
        abort(403)
    if not service.STEPS.may(user, case, "edit"):
        abort(409)  # a preview stores nothing, so no service call would refuse it
    return _editor_response(CaseForm(places=_places(user)), case)


PAGES = ReviewPages(service, {"submit": SubmitForm, "review": ReviewForm, "withdraw": WithdrawForm}, _detail_page,
                    ".detail", "typical_case_id", own_work=_l("You wrote this case: another reviewer must review it."),
                    done={"submit": _l("Sent for review."), "approve": _lp("typical case", "Published."),
                          "return": _l("Returned to the drafter."),
                          "withdraw": _l("Withdrawn. The public page shows the reason instead of the text.")})


@bp.post("/<int:typical_case_id>/submit")
@staff_required(*DRAFTERS)
def submit(typical_case_id: int):
    """Send the draft for review."""
    return PAGES.submit(_case(typical_case_id), _user())


@bp.post("/<int:typical_case_id>/review")
@staff_required(Role.REVIEWER)
def review(typical_case_id: int):
    """Approve and publish, or return with comments."""
    return PAGES.review(_case(typical_case_id), _user())


@bp.post("/<int:typical_case_id>/withdraw")
@staff_required(*DRAFTERS)
def withdraw(typical_case_id: int):
    """Withdraw a published case, with the reason the public page shows."""
    return PAGES.withdraw(_case(typical_case_id), _user())
