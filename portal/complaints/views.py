"""Public complaint pages: the form, the receipt, and tracking a case with the receipt."""
from __future__ import annotations

import time
from functools import wraps

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)

from portal import clock
from portal.complaints import service, tracking
from portal.complaints.forms import ComplaintForm, RatingForm, ReviewForm, SupplementForm, TrackForm
from portal.complaints.models import Category, Rating
from portal.complaints.uploads import clean_uploads
from portal.extensions import db, limiter
from portal.i18n import _
from portal.identifiers import clean, normalise_mobile
from portal.institutions import service as institutions
from portal.security.headers import attachment_response
from portal.security.receipts import display

bp = Blueprint("complaints", __name__)

TRACK_KEY = "tracking"
TRACK_IDLE_SECONDS = 30 * 60


def submit_limit() -> str:
    return current_app.config["LIMIT_COMPLAINT_SUBMIT"]


def lookup_limit() -> str:
    return current_app.config["LIMIT_RECEIPT_LOOKUP"]


@bp.route("/complaints/new", methods=["GET", "POST"])
@limiter.limit(submit_limit, methods=["POST"])
def new():
    """The complaint form; a valid post files the complaint and shows its receipt once."""
    form = ComplaintForm()
    if request.method == "GET":
        _prefill_institution(form)
    if form.website.data:
        abort(400)  # the honeypot was filled in: a robot
    if form.validate_on_submit():
        files = clean_uploads(form.files)
        if files is not None:
            filed = service.file_complaint(_draft(form, files), form.form_token.data, clock.today())
            db.session.commit()
            return render_template("complaints/receipt.html", complaint=filed.complaint,
                                   receipt=display(filed.receipt), replayed=filed.replayed)
    status = 422 if request.method == "POST" else 200
    hints = {category.value: category.description for category in Category}
    return render_template("complaints/new.html", form=form, category_hints=hints), status


def _prefill_institution(form: ComplaintForm) -> None:
    chosen = request.args.get("institution", "")
    if chosen.isascii() and chosen.isdigit():
        try:
            institution = institutions.get(int(chosen))
        except institutions.InstitutionNotFound:
            return
        form.institution_id.data = str(institution.id)
        form.institution_query.data = institution.name
        form.choice.institution = institution


def _draft(form: ComplaintForm, files) -> service.Draft:
    institution = form.choice.institution
    region = form.region.region.code if form.region.region else institution.region_code
    identity = None
    if form.named:
        identity = service.ReporterIdentity(
            name=form.name.data, phone=normalise_mobile(form.phone.data), email=form.email.data,
            id_number=clean(form.id_number.data))
    return service.Draft(
        category=Category(form.category.data), region_code=region, description=form.description.data,
        institution_id=institution.id if institution else None,
        institution_name="" if institution else form.institution_name.data,
        institution_address="" if institution else form.institution_address.data,
        occurred_on=form.occurred_on.data, ongoing=form.ongoing.data, identity=identity,
        notify_email=form.email.data if form.named and form.notify.data else "", files=files)


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(lookup_limit, methods=["POST"])
def track():
    """Ask for the receipt code; the code is posted, never put in a URL."""
    form = TrackForm()
    if form.validate_on_submit():
        try:
            complaint = tracking.find_by_receipt(form.receipt.data)
        except tracking.ReceiptNotFound:
            form.receipt.errors = [_("We could not find a case with this receipt code. Check the code "
                                     "and try again.")]
        else:
            session[TRACK_KEY] = {"id": complaint.id, "seen": int(time.time())}
            return redirect(url_for(".case"))
    status = 422 if request.method == "POST" else 200
    return render_template("complaints/track.html", form=form), status


def tracked_complaint():
    """The case this browser is following, or None when there is none or it has timed out."""
    state = session.get(TRACK_KEY)
    if not state or time.time() - state.get("seen", 0) > TRACK_IDLE_SECONDS:
        session.pop(TRACK_KEY, None)
        return None
    state["seen"] = int(time.time())
    session[TRACK_KEY] = state
    try:
        return tracking.get_for_reporter(state["id"])
    except tracking.ReceiptNotFound:
        session.pop(TRACK_KEY, None)
        return None


def with_tracked_case(view):
    """Give the view the case this browser follows; without one, back to the receipt form."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        complaint = tracked_complaint()
        if complaint is None:
            flash(_("For your security the case page closes after 30 minutes without activity. Enter "
                    "your receipt code again."), "info")
            return redirect(url_for(".track"))
        return view(complaint, *args, **kwargs)

    return wrapped


@bp.get("/track/case")
@with_tracked_case
def case(complaint):
    """The tracked case: status, timeline, next deadline, reply, and what the reporter can do."""
    return _render_case(complaint)


def _render_case(complaint, supplement=None, rating=None, review=None, status: int = 200):
    today = clock.today()
    return render_template(
        "complaints/case.html", complaint=complaint, timeline=tracking.public_timeline(complaint),
        next_step=tracking.next_step(complaint), reply=tracking.written_reply(complaint),
        supplement_form=supplement or SupplementForm(), rating_form=rating or RatingForm(),
        review_form=review or ReviewForm(), can_rate=tracking.can_rate(complaint),
        can_review=tracking.can_request_review(complaint, today),
        review_due=tracking.review_due(complaint), Rating=Rating), status


@bp.post("/track/supplement")
@with_tracked_case
def supplement(complaint):
    """Add information and files to the tracked case."""
    form = SupplementForm()
    if form.validate_on_submit():
        files = clean_uploads(form.files)
        if files is not None:
            try:
                tracking.add_supplement(complaint, form.text.data, files)
            except tracking.CaseClosed:
                abort(409)
            db.session.commit()
            flash(_("Your information was added to the case."), "success")
            return redirect(url_for(".case"))
    return _render_case(complaint, supplement=form, status=422)


@bp.post("/track/rating")
@with_tracked_case
def rate(complaint):
    """Record the reporter's rating of the concluded case."""
    form = RatingForm()
    if form.validate_on_submit():
        try:
            tracking.rate(complaint, Rating(form.rating.data), form.comment.data)
        except tracking.NotRatable:
            abort(409)
        db.session.commit()
        flash(_("Thank you. Your rating was recorded."), "success")
        return redirect(url_for(".case"))
    return _render_case(complaint, rating=form, status=422)


@bp.post("/track/review")
@with_tracked_case
def review(complaint):
    """Record a request for review by the superior level."""
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            tracking.request_review(complaint, form.reason.data, clock.now())
        except tracking.ReviewNotAllowed:
            abort(409)
        db.session.commit()
        flash(_("Your request for review was recorded. The office above the one that replied will "
                "handle it."), "success")
        return redirect(url_for(".case"))
    return _render_case(complaint, review=form, status=422)


@bp.post("/track/leave")
def leave():
    """End the tracking session on this device."""
    session.pop(TRACK_KEY, None)
    flash(_("You have left the case page. Enter your receipt code to open it again."), "info")
    return redirect(url_for(".track"))


@bp.get("/track/files/<int:attachment_id>")
def download(attachment_id: int):
    """One of the tracked case's files, as a download that is never cached."""
    complaint = tracked_complaint()
    if complaint is None:
        abort(404)
    try:
        found, data = tracking.attachment(complaint, attachment_id)
    except LookupError:
        abort(404)
    return attachment_response(data, found.media_type, found.filename)
