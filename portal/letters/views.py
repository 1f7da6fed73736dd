"""/staff/letters: the office's print queue of notices for reporters who asked for letters."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import clock
from portal.accounts.access import staff_required
from portal.i18n import _
from portal.letters import cover, service
from portal.letters.forms import FUTURE, NOT_A_NUMBER, PostedForm, PrintForm, ReceiptForm
from portal.security.headers import attachment_response

bp = Blueprint("letters", __name__, url_prefix="/staff/letters")
PROBLEMS = {
    "before": lambda: _("The day cannot be before the notice was issued."),
    "before_posting": lambda: _("The day cannot be before the letter was posted."),
    "future": lambda: str(FUTURE),
    "invalid": lambda: str(NOT_A_NUMBER),
}
CLOSED = lambda: _("Nothing was saved: the letter was posted already, it is no longer open to this, or you "  # noqa: E731
                   "stepped aside from the case.")


def _user():
    return current_user._get_current_object()


@bp.get("")
@staff_required(*service.ROLES)
def queue():
    """Letters to print and post, oldest first; posted replies waiting for their return receipt."""
    user = _user()
    waiting = service.waiting(user)
    return render_template("letters/queue.html", waiting=waiting, due={l.id: service.post_by(l) for l in waiting},
                           receipts=service.awaiting_receipt(user), today=clock.today(), form=PrintForm())


@bp.post("/<int:letter_id>/letter.pdf")
@staff_required(*service.ROLES)
def letter_pdf(letter_id: int):
    """The cover sheet with the address (opened for it, audited) and the notice, as one PDF."""
    letter = service.for_staff(_user(), letter_id)
    if not PrintForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for(".queue"))
    address = service.address(letter, _user())  # LetterClosed answers 409: posted, or stepped aside
    return attachment_response(cover.render(letter, address), "application/pdf", f"letter-{letter.id}.pdf")


@bp.route("/<int:letter_id>/posted", methods=["GET", "POST"])
@staff_required(*service.ROLES)
def posted(letter_id: int):
    """Mark a letter posted (day, registered-mail number), or record the day on its return receipt."""
    user = _user()
    letter = service.for_staff(user, letter_id, for_update=request.method == "POST")
    form = PostedForm(prefix="post") if letter.posted_on is None else ReceiptForm(prefix="receipt")
    if form.validate_on_submit():
        try:
            if letter.posted_on is None:
                service.post(letter, user, form.day.data, form.number.data)
                flash(_("Recorded as posted."), "success")
            else:
                service.record_receipt(letter, user, form.day.data)
                flash(_("Recorded. The time to ask for a review runs from the day the reply was received."),
                      "success")
        except service.BadPosting as wrong:
            form[wrong.args[0]].errors = [PROBLEMS[wrong.args[1]]()]
        except service.LetterClosed:
            flash(CLOSED(), "error")
            return redirect(url_for(".queue"))
        else:
            return redirect(url_for(".queue"))
    status = 422 if request.method == "POST" else 200
    return render_template("letters/posted.html", letter=letter, form=form,
                           receipt_open=letter.posted_on is not None and service.receipt_open(letter)), status


def inbox_notice() -> Markup:
    """The cases inbox's notice of letters unposted after their last day (nothing for others)."""
    if not current_user.is_authenticated or current_user.role not in service.ROLES:
        return Markup("")
    late = service.late_count(current_user, clock.today())
    return Markup(render_template("letters/inbox_notice.html", late=late)) if late else Markup("")
