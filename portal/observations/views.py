"""The supervisors' workspace (/supervisor/…): dashboard, the forms for patrol records, leads
and opinions, their own submissions with the answers, the yearly duty record, and the account."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.accounts import passwords, sessions
from portal.accounts import service as accounts
from portal.accounts.forms import PasswordForm
from portal.casework.models import Category
from portal.i18n import _, current_locale
from portal.intake.uploads import clean_uploads
from portal.observations import duty, progress
from portal.observations import service as observations
from portal.observations.access import supervisor_required
from portal.observations.forms import ObservationForm, RemovePhotoForm
from portal.observations.models import CheckResult, Kind, Observation, ObservationState
from portal.regions import service as regions
from portal.security.headers import attachment_response

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")


def _user():
    return current_user._get_current_object()


def _own(observation_id: int, for_update: bool = False) -> Observation:
    return observations.for_supervisor(g.supervisor, observation_id, for_update=for_update)


@bp.get("/")
@supervisor_required
def dashboard():
    """Own submissions by state, answers waiting, and the term."""
    mine = observations.own(g.supervisor)
    return render_template("observations/dashboard.html", supervisor=g.supervisor, Kinds=Kind,
                           States=ObservationState, counts=observations.own_counts(g.supervisor),
                           recent=[o for o in mine if o.state is not ObservationState.DRAFT][:5],
                           drafts=[o for o in mine if o.state is ObservationState.DRAFT],
                           waiting=sum(1 for o in mine if o.state is ObservationState.SUBMITTED
                                       and o.kind is not Kind.LEAD),
                           cases=progress.statuses([o.complaint_id for o in mine if o.complaint_id]),
                           place=regions.get(g.supervisor.region_code))


@bp.get("/submissions")
@supervisor_required
def submissions():
    """Everything this supervisor has drafted or sent, with its status and answer."""
    kind = next((k for k in Kind if k.value == request.args.get("kind")), None)
    mine = observations.own(g.supervisor, kind)
    return render_template("observations/submissions.html", items=mine, kind=kind, Kinds=Kind,
                           cases=progress.statuses([o.complaint_id for o in mine if o.complaint_id]))


# ---- The form ---------------------------------------------------------------------------------------

def _prefill(observation: Observation) -> dict:
    local = observation.observed_at.astimezone(clock.zone()) if observation.observed_at else None
    data = {"institution_id": str(observation.institution_id or ""), "institution_name": observation.institution_name,
            "institution_query": observation.institution.name if observation.institution else "",
            "not_listed": bool(observation.institution_name), "region": observation.region_code,
            "observed_on": local.date() if local else None, "observed_time": local.time() if local else None,
            "place": observation.place, "category": observation.category.value if observation.category else "",
            "body": observation.body, "needs_case": observation.needs_case}
    data.update({f"check_{item.value}": result.value for item, result in observation.checks.items()})
    return data


def _observed_at(form: ObservationForm) -> dt.datetime | None:
    if not form.observed_on.data:
        return None
    moment = dt.datetime.combine(form.observed_on.data, form.observed_time.data or dt.time(0, 0), clock.zone())
    return moment.astimezone(dt.timezone.utc)


def _data(form: ObservationForm, kind: Kind) -> observations.ObservationData:
    institution = form.institution
    region = institution.region_code if institution else (
        form.region.region.code if form.region.region else g.supervisor.region_code)
    return observations.ObservationData(
        region_code=region, institution_id=institution.id if institution else None,
        institution_name="" if institution else form.institution_name.data, place=form.place.data,
        observed_at=_observed_at(form), body=form.body.data,
        category=Category(form.category.data) if form.category.data and kind is Kind.LEAD else None,
        checks={item: CheckResult(f.data) for item, f in form.check_fields.items() if f.data and kind is Kind.PATROL},
        needs_case=form.needs_case.data)


def _save(form: ObservationForm, kind: Kind, observation: Observation | None):
    """Validate and store; the stored record, or None with the errors beside the fields."""
    submit = request.form.get("action") == "submit"
    valid = form.validate_on_submit()
    form.resolve_institution()
    photos = clean_uploads(form.photos) if kind is not Kind.OPINION else []
    if submit and not form.complete():
        valid = False
    if not valid or photos is None or form.errors:
        return None
    try:
        return observations.save(g.supervisor, _user(), kind, _data(form, kind), photos, observation, submit=submit)
    except observations.TooManyPhotos as exc:
        form.photos.errors = [_("A record holds at most 5 photos; %(left)d more can be added.", left=exc.args[0])]
    except observations.OutsideArea as exc:
        _outside_area(form, exc.args[0])
    return None


def _outside_area(form: ObservationForm, region_code: str) -> None:
    """The refusal beside the field that named the place: the institution chosen, or the county."""
    locale = current_locale()
    message = _("%(place)s is outside your area. You can report only on places in %(area)s.",
                place=regions.get(region_code).path(locale), area=observations.area(g.supervisor).name(locale))
    if form.institution is not None:
        form.institution_query.errors = [message]
        form.institution = None  # shows the search field again, with what was chosen in it
    else:
        form.region.errors = [message]


def _saved_message(observation: Observation) -> str:
    if observation.state is ObservationState.DRAFT:
        return _("Your draft was saved. You can finish it later.")
    if observation.kind is Kind.LEAD:
        return _("Your lead was filed as case %(number)s. You can follow it here.",
                 number=progress.case_number(observation.complaint_id))
    return _("Sent. The bureau will answer in writing; the answer appears here.")


def _form_page(form: ObservationForm, kind: Kind, observation: Observation | None, status: int):
    return render_template("observations/form.html", form=form, kind=kind, observation=observation,
                           place=regions.get(g.supervisor.region_code)), status


def _handle(kind: Kind, observation: Observation | None):
    defaults = _prefill(observation) if observation else {"region": g.supervisor.region_code}
    if defaults.get("region"):  # shown by name; the name resolves to the same place when posted
        defaults["region"] = regions.get(defaults["region"]).path(current_locale())
    form = ObservationForm(kind=kind, area=observations.area_prefix(g.supervisor),
                           data=None if request.method == "POST" else defaults)
    if request.method == "GET":
        form.resolve_institution()
        return _form_page(form, kind, observation, 200)
    saved = _save(form, kind, observation)
    if saved is None:
        return _form_page(form, kind, observation, 422)
    flash(_saved_message(saved), "success")
    return redirect(url_for(".detail", observation_id=saved.id))


@bp.route("/new/<any(patrol, lead, opinion):kind>", methods=["GET", "POST"])
@supervisor_required
def new(kind: str):
    """Write a patrol record, a lead or an opinion; save it as a draft or send it."""
    return _handle(Kind(kind), None)


@bp.route("/submissions/<int:observation_id>/edit", methods=["GET", "POST"])
@supervisor_required
def edit(observation_id: int):
    """Finish a draft."""
    observation = _own(observation_id, for_update=request.method == "POST")
    if observation.state is not ObservationState.DRAFT:
        abort(409)
    return _handle(observation.kind, observation)


@bp.get("/submissions/<int:observation_id>")
@supervisor_required
def detail(observation_id: int):
    """One of the supervisor's records, with the written reply or the case's progress."""
    observation = _own(observation_id)
    return render_template("observations/detail.html", observation=observation,
                           case=progress.for_observation(observation), staff=False,
                           place=regions.get(observation.region_code))


@bp.post("/submissions/<int:observation_id>/photos/<int:photo_id>/remove")
@supervisor_required
def remove_photo(observation_id: int, photo_id: int):
    """Take a photo off a draft."""
    observation = _own(observation_id, for_update=True)
    if not RemovePhotoForm().validate_on_submit():
        abort(400)
    observations.remove_photo(observation, _user(), photo_id)
    flash(_("The photo was removed."), "success")
    return redirect(url_for(".edit", observation_id=observation.id))


@bp.get("/submissions/<int:observation_id>/photos/<int:photo_id>")
@supervisor_required
def photo(observation_id: int, photo_id: int):
    """A photo of one's own record, decrypted, as a download."""
    found, data = observations.photo(_own(observation_id), photo_id)
    return attachment_response(data, found.media_type, found.filename)


@bp.get("/duty")
@supervisor_required
def duty_record():
    """The yearly duty record: counts by kind and month, cases opened, replies received."""
    year = _year(request.args.get("year"), g.supervisor)
    return render_template("supervisors/duty.html", supervisor=g.supervisor, year=year,
                           record=duty.duty_record(g.supervisor, year), Kinds=Kind, staff=False,
                           years=range(g.supervisor.term_start.year, min(g.supervisor.term_end.year,
                                                                         clock.today().year) + 1),
                           place=regions.get(g.supervisor.region_code))


def _year(raw: str | None, supervisor) -> int:
    """A year of the term from the query string; this year (or the term's last) otherwise."""
    last = min(supervisor.term_end.year, clock.today().year)
    try:
        year = int(raw or last)
    except ValueError:
        return last
    return year if supervisor.term_start.year <= year <= last else last


@bp.route("/account", methods=["GET", "POST"])
@supervisor_required
def account():
    """The supervisor's own account: appointment and changing the password."""
    user = _user()
    form = PasswordForm(personal=[user.username, user.display_name])
    if form.validate_on_submit():
        if not passwords.verify_password(user.password_hash, form.current.data):
            form.current.errors = [_("The current password is not right.")]
        else:
            accounts.change_password(user, form.new.data)
            sessions.start(user)  # this session goes on; every other one has ended
            flash(_("Your password was changed. Other sessions of your account have ended."), "success")
            return redirect(url_for(".account"))
    return render_template("observations/account.html", user=user, supervisor=g.supervisor, form=form,
                           place=regions.get(g.supervisor.region_code)), 422 if form.errors else 200
