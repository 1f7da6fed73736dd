"""Staff send an institution its one-time link and read its answers and documents on the case."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.casework import queries
from portal.i18n import _
from portal.institution_answers import service
from portal.institution_answers.forms import SendLinkForm
from portal.institution_answers.models import Channel
from portal.security.headers import attachment_response

bp = Blueprint("institution_answers_staff", __name__, url_prefix="/staff")
CHANNEL_ERRORS = {Channel.SMS: lambda: _("The institution has no registered contact mobile number. A registry "
                                         "officer adds it on the institution's registry page."),
                  Channel.EMAIL: lambda: _("The institution has no registered contact email. A registry officer "
                                           "adds it on the institution's registry page.")}
@bp.route("/cases/<int:complaint_id>/institution-link", methods=["GET", "POST"])
@staff_required(*service.SENDERS)
def send(complaint_id: int):
    """Write the facts the institution reads and send its registered contact a one-time link."""
    user = current_user._get_current_object()
    complaint = queries.case_for_staff(user, complaint_id, for_update=request.method == "POST")
    allowed = service.may_send(complaint, user)
    form = SendLinkForm()
    if request.method == "GET" and allowed:
        form.facts.data = service.facts_draft(complaint.description)
    if request.method == "POST" and not allowed:
        flash(_("No link can be sent on this case now: it is not an open dispute with a registered institution "
                "of your office, or you stepped aside from it. Nothing was sent."), "error")
    elif allowed and form.validate_on_submit():
        channel = Channel(form.channel.data)
        try:
            service.send_link(complaint, user, channel, form.facts.data)
        except service.NoContact:
            form.channel.errors = [CHANNEL_ERRORS[channel]()]
        except service.ChannelOff:
            form.channel.errors = [_("Email is not set up on this portal. Send the link by text message.")]
        else:
            flash(_("The link is on its way to the institution's registered contact. It works for one answer "
                    "and for %(days)s days.", days=service.link_days()), "success")
            return redirect(url_for("casework.case", complaint_id=complaint.id))
    status = 200 if request.method == "GET" else (409 if not allowed else 422)
    return render_template("institution_answers/send.html", complaint=complaint, form=form if allowed else None,
                           days=service.link_days()), status


@bp.get("/cases/<int:complaint_id>/institution-answers/documents/<int:document_id>")
@staff_required()
def document(complaint_id: int, document_id: int):
    """One document the institution sent with its answer."""
    complaint = queries.case_for_staff(current_user._get_current_object(), complaint_id)
    found, data = service.document(complaint, document_id)
    return attachment_response(data, found.media_type, found.filename)
