"""Who is told what by email: new cases, reviews, and a reporter's opt-in update notice.

Messages say that something happened and where to look, never what: a case number, a date, a
link. No reporter's identity, no story, no institution; those stay behind the sign-in or the
receipt. Every message is plain text, Chinese first, then English.
"""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.casework.models import Complaint, ReviewStage
from portal.extensions import db
from portal.i18n import _
from portal.notifications import reporters
from portal.notifications.mail import bilingual, enabled, link, queue, subject_line
from portal.regions import service as regions

__all__ = ["queue", "new_case", "review_opened", "case_updated", "office_handlers", "link", "bilingual",
           "subject_line"]

def office_handlers(region_code: str) -> list[User]:
    """Active handlers with an email in the office of `region_code`; if it has none, those of the
    nearest office above that has some."""
    code: str | None = region_code
    while code:
        found = list(db.session.scalars(
            select(User).where(User.region_code == code, User.role == Role.HANDLER, User.active.is_(True),
                               User.email != "").order_by(User.id)))
        if found:
            return found
        code = regions.get(code).parent_code
    return []


def new_case(complaint: Complaint) -> None:
    """Tell the responsible office's handlers a case has arrived (sent after the commit)."""
    if not enabled():
        return
    number, due, url = complaint.case_number, complaint.next_due, link(f"/staff/cases/{complaint.id}")
    subject = subject_line(lambda: _("New complaint %(number)s", number=number))
    body = bilingual(lambda: [
        _("A new complaint was registered for your office: %(number)s.", number=number),
        _("Decide whether to accept it by %(due)s.", due=due.isoformat()) if due else "",
        _("Open it in the back office: %(url)s", url=url),
        _("This email carries no details of the case and nothing about the reporter."),
    ])
    for handler in office_handlers(complaint.handling_region_code):
        queue(handler.email, subject, body, complaint.handling_region_code)


def review_opened(complaint: Complaint) -> None:
    """Tell the handlers of the office now responsible (the one above the office that replied)
    that a reporter asked for a review or re-review (sent after the commit)."""
    if not enabled():
        return
    number, due, url = complaint.case_number, complaint.next_due, link(f"/staff/cases/{complaint.id}")
    again = complaint.review_stage is ReviewStage.RE_REVIEW
    subject = subject_line(lambda: _("Re-review (复核) requested: %(number)s", number=number) if again
                       else _("Review (复查) requested: %(number)s", number=number))
    body = bilingual(lambda: [
        _("The reporter of case %(number)s asked for a re-review (复核) of the review decision "
          "(信访工作条例 article 36). Your office handles it now; its decision is final.", number=number)
        if again else _("The reporter of case %(number)s asked for a review (复查) of the written reply "
                        "(信访工作条例 article 35). Your office, above the one that replied, handles it now.",
                        number=number),
        (_("Decide the re-review in writing by %(due)s.", due=due.isoformat()) if again
         else _("Decide the review in writing by %(due)s.", due=due.isoformat())) if due else "",
        _("Open it in the back office: %(url)s", url=url),
        _("This email carries no details of the case and nothing about the reporter."),
    ])
    for handler in office_handlers(complaint.handling_region_code):
        queue(handler.email, subject, body, complaint.handling_region_code)


def case_updated(complaint: Complaint, notice: bool = False) -> None:
    """Tell a named reporter, by the channel they chose, that their case has news (or, `notice`,
    that a written notice was issued): `notifications.reporters`. A letter reporter is told by the
    notices themselves (`portal.letters`), not here."""
    if complaint.notify_channel is not None and complaint.notify_contact_encrypted:
        reporters.tell(complaint.id, complaint.notify_channel.value, complaint.notify_contact_encrypted,
                       complaint.case_number, complaint.handling_region_code, notice)
