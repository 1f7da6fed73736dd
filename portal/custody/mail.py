"""Telling the office above that a reporter's identity was opened: the case number, who asked, who
approved and when, never the identity or the story. Plain text, Chinese first, then English."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework.models import Complaint
from portal.custody.models import IdentityRequest
from portal.extensions import db
from portal.i18n import _
from portal.notifications.mail import enabled, queue


def watchers_above(region_code: str) -> list[User]:
    """The active custodians and administrators of the offices above the case's, with an email."""
    found = db.session.scalars(select(User).where(
        User.role.in_((Role.CUSTODIAN, Role.ADMIN)), User.active.is_(True), User.email != "").order_by(User.id))
    return [user for user in found if user.region_code != region_code and accounts.covers(user, region_code)]


def identity_opened(complaint: Complaint, approval: IdentityRequest, viewer: User) -> None:
    """Mail the offices above (sent after the commit, if mail is on)."""
    if not enabled():
        return
    approver = db.session.get(User, approval.decided_by_id)
    url = current_app.config["BASE_URL"].rstrip("/") + "/staff/audit"
    subjects, bodies = [], []
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            subjects.append(_("Reporter's identity opened: case %(number)s", number=complaint.case_number))
            bodies.append("\n\n".join([
                _("%(viewer)s opened the identity of the named reporter of case %(number)s, on the approval "
                  "%(approver)s gave at %(when)s (request %(request)s).", viewer=viewer.display_name,
                  number=complaint.case_number, approver=approver.display_name if approver else "?",
                  when=approval.decided_at.strftime("%Y-%m-%d %H:%M UTC"), request=approval.id),
                _("Every opening is told to the custodians and administrators of the offices above. If it "
                  "was not expected, look at the audit trail: %(url)s", url=url),
                _("This email carries no details of the case and nothing about the reporter.")]))
    for watcher in watchers_above(complaint.region_code):
        queue(watcher.email, " / ".join(subjects), "\n\n— — —\n\n".join(bodies) + "\n", complaint.region_code)
