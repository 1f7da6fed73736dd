"""Daily reminders of the enforcement clocks, in the `notify deadlines` run: a named reporter
not yet told whether a case was opened, and an opened case without its penalty decision, within 3
working days of the due day or past it. Each (case, clock, soon or overdue, due day) goes once, to
the complaint's assignee or else the deciding office's handlers; a message names the case number,
the day and the link, nothing else."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.accounts.models import User
from portal.casework.mail import bilingual, link, office_handlers, queue, subject_line
from portal.casework.models import Complaint
from portal.enforcement import clocks as timing
from portal.enforcement.models import EnforcementCase, EnforcementState
from portal.extensions import db
from portal.i18n import _
from portal.notifications.mail import enabled
from portal.reminders.models import NotificationSent
from portal.workdays.periods import add_period

# Kinds in `notifications_sent` (16 characters at most).
KINDS = {(timing.NOTICE, False): "notice_soon", (timing.NOTICE, True): "notice_overdue",
         (timing.DECISION, False): "decision_soon", (timing.DECISION, True): "decision_overdue"}


def send_reminders(today: dt.date) -> int:
    """Queue the reminders due today (sent after the caller commits); returns how many."""
    if not enabled():
        return 0
    rows = list(db.session.execute(select(EnforcementCase, Complaint).join(
        Complaint, Complaint.id == EnforcementCase.complaint_id).where(EnforcementCase.state != EnforcementState.LEAD)
        .order_by(EnforcementCase.id)))
    calendar = timing.calendar_covering(record for record, _complaint in rows)
    horizon = add_period(today, timing.DUE_SOON).day
    sent = {tuple(row) for row in db.session.execute(select(
        NotificationSent.complaint_id, NotificationSent.kind, NotificationSent.due_on).where(
        NotificationSent.kind.in_(list(KINDS.values()))))}
    offices: dict[str, list[User]] = {}
    count = 0
    for record, complaint in rows:
        for found in timing.clocks(record, calendar):
            if not found.due_soon(today, horizon):
                continue
            kind = KINDS[(found.name, found.due < today)]
            if (complaint.id, kind, found.due) in sent:
                continue
            recipients = _recipients(complaint, record, offices)
            if not recipients:
                continue  # nobody to tell yet: try again tomorrow
            _queue(complaint, record, found.name, found.due, found.due < today, recipients)
            db.session.add(NotificationSent(complaint_id=complaint.id, kind=kind, due_on=found.due))
            count += 1
    db.session.flush()
    return count


def _recipients(complaint: Complaint, record: EnforcementCase, offices: dict[str, list[User]]) -> list[User]:
    assignee = db.session.get(User, complaint.assignee_id) if complaint.assignee_id else None
    if assignee is not None and assignee.active and assignee.email:
        return [assignee]
    return offices.setdefault(record.office_code, office_handlers(record.office_code))


def _queue(complaint: Complaint, record: EnforcementCase, name: str, due_day: dt.date, overdue: bool,
           recipients: list[User]) -> None:
    number, due = complaint.case_number, due_day.isoformat()
    url = link(f"/staff/cases/{complaint.id}/enforcement")
    notice = name == timing.NOTICE

    def subject() -> str:
        if notice:
            return _("Reporter not yet told: %(number)s", number=number) if overdue \
                else _("Tell the reporter: %(number)s", number=number)
        return _("Penalty decision overdue: %(number)s", number=number) if overdue \
            else _("Penalty decision due: %(number)s", number=number)

    def lines() -> list[str]:
        if notice:
            first = _("The named reporter of case %(number)s was to be told by %(due)s whether a case was "
                      "opened, and has not been.", number=number, due=due) if overdue else \
                _("Tell the named reporter of case %(number)s by %(due)s whether a case was opened.",
                  number=number, due=due)
        else:
            first = _("The enforcement case opened on case %(number)s was to be decided by %(due)s.",
                      number=number, due=due) if overdue else \
                _("The enforcement case opened on case %(number)s is to be decided by %(due)s.",
                  number=number, due=due)
        return [first, _("Open it in the back office: %(url)s", url=url)]

    body = bilingual(lines)
    for user in recipients:
        queue(user.email, subject_line(subject), body, record.office_code)
