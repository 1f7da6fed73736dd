"""Public complaint pages: the form, the receipt, and tracking a case with the receipt."""
from __future__ import annotations

import secrets
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from portal import case_tracks, clock
from portal.casework import lookup, timeline
from portal.casework import service as casework
from portal.casework.models import Category, Rating, ReviewStage
from portal.db import writes
from portal.enforcement import queries as enforcement
from portal.extensions import csrf
from portal.filing_limits import service as limits
from portal.i18n import _
from portal.institutions import service as institutions
from portal.intake import filing, outage, tracking
from portal.intake.complaint_form import ComplaintForm
from portal.intake.forms import RatingForm, ReviewForm, SupplementForm, TrackForm
from portal.intake.uploads import clean_named_uploads, clean_uploads
from portal.kept_uploads import service as kept
from portal.kept_uploads import spill
from portal.reply_delivery import service as reply_delivery
from portal.rewards import summary as rewards
from portal.security.headers import attachment_response
from portal.security.receipts import display
from portal.text import clean_text
from portal.transaction import keep_on_error

bp = Blueprint("complaints", __name__)
bp.add_app_template_filter(limits.sendable_time, "sendable_time")
for _error in outage.HANDLED:  # a database failure gives the complaint form back with its text
    bp.register_error_handler(_error, outage.answer)

GRANT_KEY = tracking.GRANT_KEY
ISSUED_FORMS_KEY = filing.ISSUED_FORMS_KEY
ISSUED_FORMS_KEPT = 5
POSTED_FORMS_KEY = "posted_forms"  # forms this browser has sent: a later post of one is a correction
KEPT_KEY = "kept_key"  # this browser session's share of the key its kept files are filed under


def _remember(key: str, token: str) -> None:
    marks = [mark for mark in session.get(key, []) if mark != filing.form_mark(token)]
    session[key] = (marks + [filing.form_mark(token)])[-ISSUED_FORMS_KEPT:]


def _remember_issued_form(token: str) -> None:
    """Remember which forms this browser was given, so only it may see their receipt again."""
    _remember(ISSUED_FORMS_KEY, token)


# The forms check their own CSRF token, so an expired session re-renders the form with the
# reporter's text and a fresh token instead of a bare error page. The form checks its limits itself
# (see `limits`): over a limit, the reporter gets the form back with everything kept.
@bp.route("/complaints/new", methods=["GET", "POST"])
@csrf.exempt
def new():
    """The complaint form; a valid post files the complaint and shows its receipt once."""
    form = ComplaintForm()
    if request.method == "GET":
        _prefill_institution(form)
        return _render_form(form, [])
    if form.website.data:
        abort(400)  # the honeypot was filled in: a robot
    token, now = form.form_token.data, clock.now()
    binding = g.kept_binding = _kept_binding(token)  # the outage answer keeps the files under it too
    correction = filing.form_mark(token) in session.get(POSTED_FORMS_KEY, [])
    _remember(POSTED_FORMS_KEY, token)
    kept.remove(binding, [int(value) for value in request.form.getlist("remove_kept")
                          if value.isascii() and value.isdigit() and len(value) < 10])
    if recovered := spill.recover(binding, now):  # files kept through a database outage
        kept.keep(binding, recovered, now)
    refused = limits.take_post(filing.form_mark(token), correction)
    valid = form.validate_on_submit()
    already = kept.listed(binding, now)
    new_files, files_refused = clean_named_uploads(form.files, already=len(already))
    g.cleaned_uploads = new_files
    if refused is not None:  # not even checked for filing: kept for when it can be sent
        return _refused(form, binding, new_files, refused, now)
    if valid and not files_refused:
        if filing.find_by_form_token(token) is None:  # a retry of a filed form is not a new filing
            refused = limits.take_filing()
            if refused is not None:
                return _refused(form, binding, new_files, refused, now)
        return _file(form, kept.files(binding, now) + [named.file for named in new_files], binding)
    return _keep_and_render(form, binding, new_files, now, 422)


def _kept_binding(token: str) -> str:
    """What kept files are filed under: the form's token and a secret of this browser session, so
    only the browser that sent them (and knows the form's token) gets them back."""
    if KEPT_KEY not in session:
        session[KEPT_KEY] = secrets.token_urlsafe(16)
    return f"{session[KEPT_KEY]}:{token}"


def _keep_and_render(form: ComplaintForm, binding: str, new_files, now, status: int, **extra):
    kept.keep(binding, new_files, now)
    keep_on_error()  # the kept files (new ones, removed ones) are the only change: nothing is filed
    return _render_form(form, kept.listed(binding, now), status=status, **extra)


def _refused(form: ComplaintForm, binding: str, new_files, refused: limits.Refused, now):
    """The form again, over a limit: what they typed, their files, when they can send it, and
    what else they can do."""
    response = _keep_and_render(form, binding, new_files, now, 429, limit_until=refused.until)
    page, status = response
    return page, status, {"Retry-After": str(refused.seconds)}


def _render_form(form: ComplaintForm, kept_files, status: int = 200, limit_until=None):
    _remember_issued_form(form.form_token.data)
    hints = {category.value: category.description for category in Category}
    return render_template("intake/new.html", form=form, category_hints=hints, kept_files=kept_files,
                           limit_until=limit_until), status


def _file(form: ComplaintForm, files, binding: str):
    token = form.form_token.data
    same_session = filing.form_mark(token) in session.get(ISSUED_FORMS_KEY, [])
    try:
        filed = filing.file_complaint(form.draft(files), token, clock.today(), clock.now(), same_session)
    except filing.FormAlreadyUsed:
        keep_on_error()  # a stale receipt copy may have been cleared: it must stay cleared
        form.form_token.data = ComplaintForm.new_token()
        form.form_token.errors = [_("This form was already sent, and its receipt was shown then. To file "
                                    "a further complaint, check the details below and submit again.")]
        return _render_form(form, [], status=409)
    kept.discard(binding)
    g.filed_new = not filed.replayed
    return _receipt_page(filed, token)


def _receipt_page(filed: filing.Filed, token: str):
    """The receipt page: the code, the case, a summary of what was filed (never the identity)."""
    complaint = filed.complaint
    institution = (institutions.get(complaint.institution_id).name if complaint.institution_id
                   else complaint.institution_name)
    return render_template("intake/receipt.html", complaint=complaint, receipt=display(filed.receipt),
                           replayed=filed.replayed, institution=institution, form_token=token)


def _prefill_institution(form: ComplaintForm) -> None:
    """The institution a page sent the reporter from: one of the registry (`institution`), or a
    name the registry search did not find (`name`), carried into the form as typed."""
    chosen = request.args.get("institution", "")
    named = clean_text(request.args.get("name", ""))[:institutions.MAX_QUERY_LENGTH]
    if named and not chosen:
        form.institution_query.data = named
    if chosen.isascii() and chosen.isdigit():
        try:
            institution = institutions.get(int(chosen))
        except institutions.InstitutionNotFound:
            return
        form.institution_id.data = str(institution.id)
        form.institution_query.data = institution.name
        form.choice.institution = institution
        form.prefill_region(institution)


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
    """The tracked case: status, timeline, next deadline, reply, and what the reporter can do. A reply
    shown here for the first time is received today (送达): the time to ask for a review starts."""
    reply_delivery.opened(complaint)
    return _render_case(complaint)


def _review_form(complaint, posted=None) -> ReviewForm:
    """The request form, its question naming the stage the request would open (复查 or 复核)."""
    form = posted or ReviewForm()
    if casework.next_review_stage(complaint) is ReviewStage.RE_REVIEW:
        form.reason.label.text = _("Why do you ask for a re-review (复核)?")
    return form


def _render_case(complaint, supplement=None, rating=None, review=None, status: int = 200):
    today = clock.today()
    return render_template(
        "intake/case.html", complaint=complaint, timeline=timeline.public_timeline(complaint),
        next_step=tracking.next_step(complaint), reply=timeline.written_reply(complaint),
        supplement_form=supplement or SupplementForm(), rating_form=rating or RatingForm(),
        review_form=_review_form(complaint, review), can_rate=tracking.can_rate(complaint),
        review_stage=casework.next_review_stage(complaint), final_result=case_tracks.final_result(complaint),
        can_review=tracking.can_request_review(complaint, today),
        review_due=tracking.review_due(complaint), reward=rewards.for_reporter(complaint),
        enforcement=enforcement.for_reporter(complaint), Rating=Rating), status


@bp.post("/track/supplement")
@csrf.exempt
@with_tracked_case
def supplement(complaint):
    """Add information and files to the tracked case."""
    form = SupplementForm()
    if form.validate_on_submit():
        refused = limits.take_supplement(request.content_length)
        if refused is not None:  # before any file is decoded
            form.files.errors = [_("Many additions were sent from this connection in a short time. Please "
                                   "send this after %(time)s.", time=limits.sendable_time(refused.until))]
            response, status = _render_case(complaint, supplement=form, status=429)
            return response, status, {"Retry-After": str(refused.seconds)}
        chosen = [f for f in (form.files.data or []) if getattr(f, "filename", "")]
        try:
            tracking.check_room(complaint, len(chosen))  # before any file is decoded
            files = clean_uploads(form.files)
            if files is not None:
                tracking.add_supplement(complaint, form.text.data, files)
                flash(_("Your information was added to the case."), "success")
                return redirect(url_for(".case"))
        except tracking.CaseFull as full:
            (form.text if full.reason == "supplements" else form.files).errors = [{
                "supplements": _("This case already has %(count)d additions, the most it takes. For anything "
                                 "more, please telephone the office handling it.", count=tracking.MAX_SUPPLEMENTS),
                "files": _("This case already holds the most files it takes (%(count)d). Send fewer files, or "
                           "none.", count=tracking.MAX_CASE_FILES),
                "size": _("The files of this case already take up the most room it has (%(size)d MB). Send "
                          "smaller files, or none.", size=tracking.MAX_CASE_BYTES // (1024 * 1024)),
            }[full.reason]]
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
        locked = tracking.lock(complaint)
        tracking.request_review(locked, form.reason.data, clock.now())
        if locked.review_stage is ReviewStage.RE_REVIEW:
            flash(_("Your request for a re-review (复核) was recorded. The office above the one that "
                    "decided the review will handle it; its decision is final."), "success")
        else:
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
