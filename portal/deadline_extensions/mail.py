"""Telling the head of the office that an extension waits for their decision: the case number and a
link, never the story or the reporter. Plain text, Chinese first, then English."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from portal.accounts.models import User
from portal.casework.models import Complaint
from portal.deadline_extensions.models import ExtensionRequest
from portal.extensions import db
from portal.i18n import _
from portal.notifications.mail import enabled, queue


def heads_of(region_code: str, but: int) -> list[User]:
    """The active heads of the office with an email, except the person who asked."""
    return list(db.session.scalars(select(User).where(
        User.region_code == region_code, User.office_head.is_(True), User.active.is_(True), User.email != "",
        User.id != but).order_by(User.id)))


def request_waiting(found: ExtensionRequest, complaint: Complaint) -> None:
    """Mail the heads of the office (sent after the commit, if mail is on)."""
    if not enabled():
        return
    number = complaint.case_number
    url = current_app.config["BASE_URL"].rstrip("/") + f"/staff/cases/{complaint.id}/extension"
    subjects, bodies = [], []
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            subjects.append(_("Extension to decide: %(number)s", number=number))
            bodies.append("\n\n".join([
                _("A handler asks to extend the time limit of case %(number)s by %(days)s days. As head of the "
                  "office you approve or refuse it (信访工作条例 article 34); until then the time limit stands.",
                  number=number, days=found.days),
                _("Open it in the back office: %(url)s", url=url),
                _("This email carries no details of the case and nothing about the reporter.")]))
    for head in heads_of(found.region_code, found.requested_by_id):
        queue(head.email, " / ".join(subjects), "\n\n— — —\n\n".join(bodies) + "\n", found.region_code)
