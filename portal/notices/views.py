"""The reporter's notices: listed on the tracking page, each as a page and a PDF, only while this
browser's grant to the case is open, and only the notices of that case."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, flash, redirect, render_template, session, url_for
from markupsafe import Markup

from portal import clock
from portal.db import writes
from portal.extensions import limiter
from portal.i18n import _
from portal.intake import tracking
from portal.notices import pdf, service
from portal.security.headers import attachment_response

bp = Blueprint("notices", __name__)


def tracked(view):
    """The case this browser follows, as the tracking page has it; without one, the receipt form."""

    @wraps(view)
    @writes  # opening a notice is activity: it refreshes the grant's idle clock
    def wrapped(*args, **kwargs):
        token = session.get(tracking.GRANT_KEY)
        try:
            complaint = tracking.complaint_for_grant(token, clock.now())
        except tracking.GrantExpired:
            session.pop(tracking.GRANT_KEY, None)
            if token:
                flash(_("For your security the case page closes after 30 minutes without activity. "
                        "Enter your receipt code again."), "info")
            return redirect(url_for("complaints.track"))
        return view(complaint, *args, **kwargs)

    return wrapped


def listed(complaint) -> Markup:
    """The tracking page's section: the case's notices, each with its page and its PDF."""
    notices = service.for_case(complaint)
    if not notices:
        return Markup("")
    return Markup(render_template("notices/tracking_list.html", notices=notices, label=service.label))


@bp.get("/track/notices/<int:notice_id>")
@tracked
def notice(complaint, notice_id: int):
    """One of the tracked case's notices exactly as issued, laid out for printing."""
    found = service.on_case(complaint, notice_id)
    return render_template("notices/notice.html", notice=found, parts=service.layout(found.text),
                           label=service.label(found), intact=None, back=url_for("complaints.case"),
                           pdf=url_for(".notice_pdf", notice_id=found.id))


@bp.get("/track/notices/<int:notice_id>.pdf")
@limiter.limit(pdf.limit)
@tracked
def notice_pdf(complaint, notice_id: int):
    found = service.on_case(complaint, notice_id)
    return attachment_response(pdf.render(found), "application/pdf", f"notice-{found.id}.pdf")
