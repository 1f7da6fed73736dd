"""Deadline reminders: cases due within 3 working days or overdue, each (case, kind, deadline) once,
to the assignee or else the handlers of the office responsible now."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import case, select

from portal.accounts.models import User
from portal.casework import deadlines
from portal.casework.mail import bilingual, link, office_handlers, queue, subject_line
from portal.casework.models import Complaint
from portal.casework.queries import DUE_SOON
from portal.extensions import db
from portal.i18n import _
from portal.notifications.mail import enabled
from portal.reminders.models import NotificationSent

DUE_SOON_KIND = "due_soon"
OVERDUE_KIND = "overdue"


def send_deadline_reminders(today: dt.date) -> int:
    """Remind of cases due within 3 working days or overdue, each (case, kind, deadline) once;
    returns how many reminders were written to the outbox (they leave once the caller commits)."""
    if not enabled():
        return 0
    horizon = deadlines.add_period(today, DUE_SOON).day
    kind = case((Complaint.next_due < today, OVERDUE_KIND), else_=DUE_SOON_KIND)
    reminded = select(NotificationSent.complaint_id).where(
        NotificationSent.complaint_id == Complaint.id, NotificationSent.kind == kind,
        NotificationSent.due_on == Complaint.next_due).exists()
    due = list(db.session.scalars(select(Complaint).where(Complaint.next_due <= horizon, ~reminded)
                                  .order_by(Complaint.next_due, Complaint.id)))
    offices: dict[str, list[User]] = {}
    count = 0
    for complaint in due:
        recipients = _reminder_recipients(complaint, offices)
        if not recipients:
            continue  # nobody to tell yet: try again tomorrow, when someone may have an address
        reminder = NotificationSent(complaint_id=complaint.id, due_on=complaint.next_due,
                                    kind=OVERDUE_KIND if complaint.next_due < today else DUE_SOON_KIND)
        _queue_reminder(complaint, reminder.kind, recipients)
        db.session.add(reminder)
        count += 1
    db.session.flush()
    return count


def _reminder_recipients(complaint: Complaint, offices: dict[str, list[User]]) -> list[User]:
    """The assignee if they can be reached, else the handlers of the office responsible now."""
    assignee = db.session.get(User, complaint.assignee_id) if complaint.assignee_id else None
    if assignee is not None and assignee.active and assignee.email:
        return [assignee]
    office = complaint.handling_region_code
    if office not in offices:
        offices[office] = office_handlers(office)
    return offices[office]


def _queue_reminder(complaint: Complaint, kind: str, recipients: list[User]) -> None:
    number, due = complaint.case_number, complaint.next_due.isoformat()
    url = link(f"/staff/cases/{complaint.id}")
    overdue = kind == OVERDUE_KIND

    def subject() -> str:
        return (_("Overdue: %(number)s", number=number) if overdue
                else _("Deadline approaching: %(number)s", number=number))

    def lines() -> list[str]:
        return [_("Case %(number)s was due on %(due)s and is now overdue.", number=number, due=due) if overdue
                else _("Case %(number)s is due on %(due)s, within 3 working days.", number=number, due=due),
                _("Open it in the back office: %(url)s", url=url)]

    body = bilingual(lines)
    for user in recipients:
        queue(user.email, subject_line(subject), body, complaint.handling_region_code)
