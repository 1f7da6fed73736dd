"""Staff pages of the written notices: the reply's preview and confirmation, the second sign-off,
each notice as a page and a PDF, and the office's notice settings."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework import queries
from portal.casework.service import StepNotAllowed
from portal.extensions import limiter
from portal.i18n import _
from portal.notices import kinds, offices, pdf, replies, service
from portal.notices.forms import ConfirmReplyForm, NoticeReplyForm, ReturnDraftForm, SettingsForm, SignOffForm
from portal.security.headers import attachment_response

bp = Blueprint("notices_staff", __name__, url_prefix="/staff")
CASE_ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER, Role.CUSTODIAN)
SIGNING_ROLES = (Role.HANDLER, Role.REVIEWER)


def _user():
    return current_user._get_current_object()


def _case(complaint_id: int, for_update: bool = False):
    return queries.case_for_staff(_user(), complaint_id, for_update=for_update)


def _preview_page(complaint, step: str, form, letter: str | None = None, status: int = 200):
    confirm = None
    if letter is not None:
        confirm = ConfirmReplyForm(text=form.text.data, administrative="y" if form.administrative.data else "",
                                   seen=replies.digest(letter))
    return render_template("notices/preview.html", complaint=complaint, step=step, form=form, letter=letter,
                           parts=service.layout(letter) if letter else None, confirm=confirm,
                           signoff=offices.settings_for(complaint.handling_region_code).second_signoff), status


@bp.post("/cases/<int:complaint_id>/reply/<reply_step>/preview")
@staff_required(*SIGNING_ROLES)
def preview(complaint_id: int, reply_step: str):
    """The reply as it will be issued, with the confirmation; the form again to change it."""
    complaint, step = _case(complaint_id), reply_step
    if step not in kinds.REPLY_STEPS:
        abort(404)
    form = NoticeReplyForm(prefix=step)
    if not form.validate_on_submit():
        return _preview_page(complaint, step, form, status=422)
    if replies.waiting(complaint) is not None:
        flash(_("A reply already waits for its second sign-off on this case."), "error")
        return redirect(url_for("casework.case", complaint_id=complaint.id))
    letter = replies.preview(complaint, step, _user(), form.text.data, form.administrative.data)
    return _preview_page(complaint, step, form, letter)


@bp.post("/cases/<int:complaint_id>/reply/<reply_step>/issue")
@staff_required(*SIGNING_ROLES)
def confirm(complaint_id: int, reply_step: str):
    """Issue the previewed reply, or, where the office wants it, send it for a second sign-off."""
    complaint, step = _case(complaint_id, for_update=True), reply_step
    if step not in kinds.REPLY_STEPS:
        abort(404)
    posted = ConfirmReplyForm()
    form = NoticeReplyForm(prefix=step, formdata=None, text=posted.text.data,
                           administrative=bool(posted.administrative.data))
    if not posted.validate_on_submit():
        return _preview_page(complaint, step, form, status=422)
    try:
        draft = replies.confirm(complaint, step, _user(), posted.text.data, form.administrative.data,
                                posted.seen.data)
    except replies.ChangedSinceSeen:
        flash(_("The document changed since you read it (the case or the office's settings changed). "
                "Read it again before you confirm."), "error")
        letter = replies.preview(complaint, step, _user(), form.text.data, form.administrative.data)
        return _preview_page(complaint, step, form, letter, status=409)
    except replies.ReplyWaiting:
        flash(_("A reply already waits for its second sign-off on this case."), "error")
        return redirect(url_for("casework.case", complaint_id=complaint.id))
    if draft is None:
        flash(_("The written reply was issued. The reporter can read and download it on the tracking page."),
              "success")
    else:
        flash(_("The reply waits for a second sign-off by another certified officer. It is not issued yet."),
              "success")
    return redirect(url_for("casework.case", complaint_id=complaint.id))


def _draft_page(complaint, draft, return_form=None, status: int = 200):
    letter = replies.draft_preview(draft, complaint)
    return render_template("notices/draft.html", complaint=complaint, draft=draft, parts=service.layout(letter),
                           may_sign=replies.may_sign_off(draft, complaint, _user()),
                           own=draft.drafted_by_id == _user().id, sign_form=SignOffForm(seen=replies.digest(letter)),
                           return_form=return_form or ReturnDraftForm()), status


@bp.get("/cases/<int:complaint_id>/reply/waiting")
@staff_required(*CASE_ROLES)
def draft(complaint_id: int):
    """The reply waiting for its second sign-off, as it would be issued."""
    complaint = _case(complaint_id)
    found = replies.waiting(complaint)
    if found is None:
        abort(404)
    return _draft_page(complaint, found)


@bp.post("/cases/<int:complaint_id>/reply/waiting/sign-off")
@staff_required(*SIGNING_ROLES)
def sign_off(complaint_id: int):
    """Another certified officer signs the waiting reply off: it is issued in their name."""
    complaint = _case(complaint_id, for_update=True)
    found = replies.waiting(complaint, for_update=True)
    form = SignOffForm()
    if found is None:
        abort(409)
    if not form.validate_on_submit():
        flash(_("The form had expired. Please submit it again."), "error")
        return _draft_page(complaint, found, status=422)
    try:
        replies.sign_off(found, complaint, _user(), form.seen.data)
    except replies.ChangedSinceSeen:
        flash(_("The document changed since you read it (the case or the office's settings changed). "
                "Read it again before you confirm."), "error")
        return _draft_page(complaint, found, status=409)
    except (replies.OwnReply, StepNotAllowed):
        flash(_("You cannot sign off this reply: its author never does, and the one who signs must be able "
                "to take the step on this case."), "error")
        return _draft_page(complaint, found, status=403)
    flash(_("Signed off: the written reply was issued."), "success")
    return redirect(url_for("casework.case", complaint_id=complaint.id))


@bp.post("/cases/<int:complaint_id>/reply/waiting/return")
@staff_required(*SIGNING_ROLES)
def return_draft(complaint_id: int):
    """The author withdraws the waiting reply, or a colleague sends it back with the reason."""
    complaint = _case(complaint_id, for_update=True)
    found = replies.waiting(complaint, for_update=True)
    if found is None:
        abort(409)
    form = ReturnDraftForm()
    if form.validate_on_submit():
        if found.drafted_by_id != _user().id and not form.note.data:
            form.note.errors = [_("Say why the reply goes back.")]
        else:
            replies.return_draft(found, complaint, _user(), form.note.data)
            flash(_("The reply went back without being issued."), "success")
            return redirect(url_for("casework.case", complaint_id=complaint.id))
    return _draft_page(complaint, found, return_form=form, status=422)


@bp.get("/cases/<int:complaint_id>/notices/<int:notice_id>")
@staff_required(*CASE_ROLES)
def notice(complaint_id: int, notice_id: int):
    """One notice exactly as issued, laid out for printing."""
    complaint = _case(complaint_id)
    found = service.on_case(complaint, notice_id)
    return render_template("notices/notice.html", notice=found, parts=service.layout(found.text),
                           label=service.label(found), intact=service.intact(found),
                           back=url_for("casework.case", complaint_id=complaint.id),
                           pdf=url_for(".notice_pdf", complaint_id=complaint.id, notice_id=found.id))


@bp.get("/cases/<int:complaint_id>/notices/<int:notice_id>.pdf")
@limiter.limit(pdf.limit)
@staff_required(*CASE_ROLES)
def notice_pdf(complaint_id: int, notice_id: int):
    complaint = _case(complaint_id)
    found = service.on_case(complaint, notice_id)
    return attachment_response(pdf.render(found), "application/pdf", f"notice-{found.id}.pdf")


@bp.route("/notices/settings", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def settings():
    """The administrator's office: its authority's name, its document numbers, the second sign-off."""
    user = _user()
    current = offices.settings_for(user.region_code)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        offices.update(user, form.authority.data, form.short_name.data, form.number_pattern.data,
                       form.second_signoff.data, clock.now())
        flash(_("The notice settings were saved."), "success")
        return redirect(url_for(".settings"))
    example = kinds.number(form.number_pattern.data, form.short_name.data or "", clock.today().year, 1,
                           kinds.get("reply")) if not form.number_pattern.errors and form.number_pattern.data \
        and not kinds.pattern_problem(form.number_pattern.data) else None
    status = 422 if form.errors else 200
    return render_template("notices/settings.html", form=form, current=current, example=example), status
