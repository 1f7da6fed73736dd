"""Public complaint pages: the form, the receipt, and tracking a case with the receipt."""
from __future__ import annotations

import hashlib
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from portal import clock
from portal.casework import lookup, timeline
from portal.casework.models import Category, Rating
from portal.db import writes
from portal.extensions import csrf
from portal.i18n import _
from portal.institutions import service as institutions
from portal.intake import filing, limits, outage, tracking
from portal.intake.complaint_form import ComplaintForm
from portal.intake.forms import RatingForm, ReviewForm, SupplementForm, TrackForm
from portal.intake.uploads import clean_uploads
from portal.rewards import summary as rewards
from portal.security.headers import attachment_response
from portal.security.receipts import display
from portal.transaction import keep_on_error

bp = Blueprint("complaints", __name__)
for _error in outage.HANDLED:  # a database failure gives the complaint form back with its text
    bp.register_error_handler(_error, outage.answer)

GRANT_KEY = "tracking_grant"
ISSUED_FORMS_KEY = "issued_forms"
ISSUED_FORMS_KEPT = 5


def _form_mark(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _remember_issued_form(token: str) -> None:
    """Remember which forms this browser was given, so only it may see their receipt again."""
    issued = [mark for mark in session.get(ISSUED_FORMS_KEY, []) if mark != _form_mark(token)]
    session[ISSUED_FORMS_KEY] = (issued + [_form_mark(token)])[-ISSUED_FORMS_KEPT:]


# The forms check their own CSRF token, so an expired session re-renders the form with the
# reporter's text and a fresh token instead of a bare error page.
@bp.route("/complaints/new", methods=["GET", "POST"])
@csrf.exempt
@limits.complaint_posts
@limits.complaints_filed
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
            return _file(form, files)
    _remember_issued_form(form.form_token.data)
    status = 422 if request.method == "POST" else 200
    hints = {category.value: category.description for category in Category}
    return render_template("intake/new.html", form=form, category_hints=hints), status


def _file(form: ComplaintForm, files):
    token = form.form_token.data
    same_session = _form_mark(token) in session.get(ISSUED_FORMS_KEY, [])
    try:
        filed = filing.file_complaint(form.draft(files), token, clock.today(), clock.now(), same_session)
    except filing.FormAlreadyUsed:
        keep_on_error()  # a stale receipt copy may have been cleared: it must stay cleared
        form.form_token.data = ComplaintForm.new_token()
        _remember_issued_form(form.form_token.data)
        form.form_token.errors = [_("This form was already sent, and its receipt was shown then. To file "
                                    "a further complaint, check the details below and submit again.")]
        hints = {category.value: category.description for category in Category}
        return render_template("intake/new.html", form=form, category_hints=hints), 409
    g.filed_new = not filed.replayed
    return render_template("intake/receipt.html", complaint=filed.complaint,
                           receipt=display(filed.receipt), replayed=filed.replayed)


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


@bp.route("/track", methods=["GET", "POST"])
@csrf.exempt
@limits.receipt_lookups
def track():
    """Ask for the receipt code; the code is posted, never put in a URL."""
    form = TrackForm()
    if form.validate_on_submit():
        try:
            complaint = lookup.find_by_receipt(form.receipt.data)
        except lookup.ReceiptNotFound:
            form.receipt.errors = [_("We could not find a case with this receipt code. Check the code "
                                     "and try again.")]
        else:
            tracking.close_grant(session.get(GRANT_KEY))
            session[GRANT_KEY] = tracking.open_grant(complaint, clock.now())
            return redirect(url_for(".case"))
    status = 422 if request.method == "POST" else 200
    return render_template("intake/track.html", form=form), status


def with_tracked_case(view):
    """Give the view the case this browser follows; without one, back to the receipt form."""

    @wraps(view)
    @writes  # every case page refreshes the grant's idle clock
    def wrapped(*args, **kwargs):
        token = session.get(GRANT_KEY)
        try:
            complaint = tracking.complaint_for_grant(token, clock.now())
        except tracking.GrantExpired:
            session.pop(GRANT_KEY, None)
            if token:
                flash(_("For your security the case page closes after 30 minutes without activity. "
                        "Enter your receipt code again."), "info")
            return redirect(url_for(".track"))
        response = view(complaint, *args, **kwargs)
        # A form sent back for correction is activity too: its answer keeps the grant's idle clock
        # (and stores nothing else). A refusal the view raises still rolls everything back.
        keep_on_error()
        return response

    return wrapped


@bp.get("/track/case")
@with_tracked_case
def case(complaint):
    """The tracked case: status, timeline, next deadline, reply, and what the reporter can do."""
    return _render_case(complaint)


def _render_case(complaint, supplement=None, rating=None, review=None, status: int = 200):
    today = clock.today()
    return render_template(
        "intake/case.html", complaint=complaint, timeline=timeline.public_timeline(complaint),
        next_step=tracking.next_step(complaint), reply=timeline.written_reply(complaint),
        supplement_form=supplement or SupplementForm(), rating_form=rating or RatingForm(),
        review_form=review or ReviewForm(), can_rate=tracking.can_rate(complaint),
        can_review=tracking.can_request_review(complaint, today),
        review_due=tracking.review_due(complaint), reward=rewards.for_reporter(complaint), Rating=Rating), status


@bp.post("/track/supplement")
@csrf.exempt
@with_tracked_case
def supplement(complaint):
    """Add information and files to the tracked case."""
    form = SupplementForm()
    if form.validate_on_submit():
        files = clean_uploads(form.files)
        if files is not None:
            tracking.add_supplement(complaint, form.text.data, files)
            flash(_("Your information was added to the case."), "success")
            return redirect(url_for(".case"))
    return _render_case(complaint, supplement=form, status=422)


@bp.post("/track/rating")
@csrf.exempt
@with_tracked_case
def rate(complaint):
    """Record the reporter's rating of the concluded case."""
    form = RatingForm()
    if form.validate_on_submit():
        tracking.rate(tracking.lock(complaint), Rating(form.rating.data), form.comment.data)
        flash(_("Thank you. Your rating was recorded."), "success")
        return redirect(url_for(".case"))
    return _render_case(complaint, rating=form, status=422)


@bp.post("/track/review")
@csrf.exempt
@with_tracked_case
def review(complaint):
    """Record a request for review by the superior level."""
    form = ReviewForm()
    if form.validate_on_submit():
        # Locked and read again: a second request sent at the same moment is refused.
        tracking.request_review(tracking.lock(complaint), form.reason.data, clock.now())
        flash(_("Your request for review was recorded. The office above the one that replied will "
                "handle it."), "success")
        return redirect(url_for(".case"))
    return _render_case(complaint, review=form, status=422)


@bp.post("/track/leave")
def leave():
    """End the case page everywhere this session's cookie may have been copied to."""
    tracking.close_grant(session.pop(GRANT_KEY, None))
    flash(_("You have left the case page. Enter your receipt code to open it again."), "info")
    return redirect(url_for(".track"))


@bp.get("/track/files/<int:attachment_id>")
@with_tracked_case
def download(complaint, attachment_id: int):
    """One of the tracked case's files, as a download that is never cached."""
    found, data = tracking.attachment(complaint, attachment_id)
    return attachment_response(data, found.media_type, found.filename)
