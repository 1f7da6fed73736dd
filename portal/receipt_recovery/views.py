"""The recovery pages: ask (mobile and case number), then the code from the text, then the new
查询码, shown once. Every answer before the code is the same whether the pair matches a case.
And the receipt shown again just after filing, in the other language or laid out for print."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from portal import clock
from portal.extensions import csrf
from portal.filing_limits import service as limits
from portal.i18n import _
from portal.institutions import service as institutions
from portal.intake import filing, tracking
from portal.notifications.sms import mainland_mobile
from portal.receipt_recovery import service
from portal.receipt_recovery.forms import AskForm, CodeForm
from portal.security import crypto
from portal.security.receipts import display
from portal.transaction import keep_on_error

bp = Blueprint("receipt_recovery", __name__)
TOKEN_KEY = "receipt_recovery"


def _wait(refused: limits.Refused) -> str:
    return _("Many requests were sent in a short time. Please try again after %(time)s.",
             time=limits.sendable_time(refused.until))


@bp.route("/track/recover", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired session gets the form back with its text
def ask():
    """Ask for a code by SMS: the mobile number given when filing, and the case number."""
    form = AskForm()
    if form.validate_on_submit():
        config = current_app.config
        refused = limits.take(config["LIMIT_RECOVERY_CLIENT"], "receipt-recovery")
        if refused is None:  # per number, whoever asks: a keyed hash, never the number, in the limit store
            number = crypto.keyed_hash(b"recovery-limit:", mainland_mobile(form.phone.data))
            refused = limits.take(config["LIMIT_RECOVERY_PHONE"], "receipt-recovery-phone", number, per_client=False)
        if refused is not None:
            form.phone.errors = [_wait(refused)]
            page = render_template("receipt_recovery/ask.html", form=form)
            return page, 429, {"Retry-After": str(refused.seconds)}
        session[TOKEN_KEY] = service.ask(form.phone.data, form.case_number.data, clock.now())
        return redirect(url_for(".code"))
    return render_template("receipt_recovery/ask.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/track/recover/code", methods=["GET", "POST"])
@csrf.exempt
def code():
    """Enter the code from the text; the right one shows a new 查询码, once."""
    token, now = session.get(TOKEN_KEY), clock.now()
    if not service.pending(token, now):
        if session.pop(TOKEN_KEY, None):
            flash(_("The code is no longer valid. Ask for a new one."), "info")
        return redirect(url_for(".ask"))
    form = CodeForm()
    if form.validate_on_submit():
        refused = limits.take(current_app.config["LIMIT_RECOVERY_CODE"], "receipt-recovery-code")
        if refused is not None:
            form.code.errors = [_wait(refused)]
            page = render_template("receipt_recovery/code.html", form=form)
            return page, 429, {"Retry-After": str(refused.seconds)}
        try:
            recovered = service.confirm(token, form.code.data, now)
        except service.CodeNotAccepted as failure:
            keep_on_error()  # the try is counted and audited even though the answer is an error
            if failure.reason == "used up":
                session.pop(TOKEN_KEY, None)
                flash(_("The code was entered wrongly too many times. Ask for a new one."), "info")
                return redirect(url_for(".ask"))
            form.code.errors = [_("This code is not right. Check the text message and try again.")]
        else:
            session.pop(TOKEN_KEY, None)
            tracking.close_grant(session.get(tracking.GRANT_KEY))
            session[tracking.GRANT_KEY] = tracking.open_grant(recovered.complaint, now)
            return render_template("receipt_recovery/issued.html", complaint=recovered.complaint,
                                   receipt=display(recovered.receipt))
    return render_template("receipt_recovery/code.html", form=form), 422 if request.method == "POST" else 200


@bp.post("/complaints/receipt")
def receipt():
    """The receipt again (`?lang=` chooses the language; `print` lays it out for paper): only for the
    browser that was given the form, with the form's token, while the receipt is kept for a retry."""
    token = request.form.get("form_token", "")[:100]
    issued_here = bool(token) and filing.form_mark(token) in session.get(filing.ISSUED_FORMS_KEY, [])
    filed = service.shown_again(token, clock.now()) if issued_here else None
    if filed is None:
        flash(_("The receipt can no longer be shown here. Open your case with the receipt code you wrote "
                "down; if you lost it, a named reporter can ask for a new one."), "info")
        return redirect(url_for("complaints.track"))
    complaint = filed.complaint
    institution = (institutions.get(complaint.institution_id).name if complaint.institution_id
                   else complaint.institution_name)
    return render_template("intake/receipt.html", complaint=complaint, receipt=display(filed.receipt),
                           replayed=False, institution=institution, form_token=token,
                           printing=request.form.get("print") == "1")
