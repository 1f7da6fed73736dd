"""The institution's answer page, opened by its one-time link: no account, no JavaScript."""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, render_template, request, session
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.casework.models import Complaint
from portal.db import writes
from portal.extensions import db, limiter
from portal.institution_answers import service
from portal.institution_answers.forms import AnswerForm
from portal.intake.uploads import clean_named_uploads
from portal.kept_uploads import service as kept
from portal.security import crypto
from portal.transaction import keep_on_error

bp = Blueprint("institution_answers", __name__)
KEPT_KEY = "institution_kept_key"  # this browser session's share of the key its kept files are kept under
CLOSED_STATUS = 410


def _limit() -> str:
    """How often one client may open or send the answer pages (`PORTAL_LIMIT_INSTITUTION_LINK`)."""
    return current_app.config["LIMIT_INSTITUTION_LINK"]


def _kept_binding(token: str) -> str:
    """Files kept across a correction belong to this link and this browser session only."""
    if KEPT_KEY not in session:
        session[KEPT_KEY] = secrets.token_urlsafe(16)
    return f"{session[KEPT_KEY]}:{token}"


def _case(link) -> Complaint:
    return db.session.scalar(select(Complaint).options(selectinload(Complaint.institution))
                             .where(Complaint.id == link.complaint_id))


@bp.route("/institution-answers/<case_number>/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["GET", "POST"])
@writes  # every visit is audited
def answer(case_number: str, token: str):
    """The dispute's facts and the answer form; a valid answer is kept and the link is used up."""
    link = service.find(case_number, token)
    found = service.visited(link, request.method)
    keep_on_error()  # the visit's audit record (and files kept for a correction) stay on an error answer
    complaint = _case(link)
    if found != "open":
        return render_template("institution_answers/closed.html", complaint=complaint, reason=found), CLOSED_STATUS
    form, now = AnswerForm(), clock.now()
    if request.method == "GET":
        return _form(form, complaint, link, [])
    binding = _kept_binding(token)
    kept.remove(binding, [int(value) for value in request.form.getlist("remove_kept")
                          if value.isascii() and value.isdigit() and len(value) < 10])
    valid = form.validate_on_submit()  # before the files: it resets the file field's messages
    new_files, refused = clean_named_uploads(form.files, already=len(kept.listed(binding, now)))
    if valid and not refused:
        files = kept.files(binding, now) + [named.file for named in new_files]
        given = service.answer(link, form.position.data, form.proposal(), files, now)
        kept.discard(binding)
        return render_template("institution_answers/thanks.html", complaint=complaint, answer=given,
                               documents=len(files))
    kept.keep(binding, new_files, now)
    return _form(form, complaint, link, kept.listed(binding, now), 422)


def _form(form: AnswerForm, complaint: Complaint, link, kept_files, status: int = 200):
    # The parent's name only when they agreed to share it for mediation (kept for that alone).
    parent = None
    if complaint.mediation_name_shared and complaint.mediation_name_encrypted:
        parent = crypto.decrypt_text(complaint.mediation_name_encrypted)
    return render_template("institution_answers/answer.html", form=form, complaint=complaint, link=link,
                           parent=parent, kept_files=kept_files), status
