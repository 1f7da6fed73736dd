"""The notice that a case has reached an office where nobody can handle it.

Like every staff message it says that something happened and where to look: the case number,
the office, the deadline and a link; never the story, the institution or anything about the
reporter. Plain text, Chinese first, then English; sent only after the commit.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale

from portal.accounts.models import User
from portal.casework.models import Complaint
from portal.i18n import _
from portal.notifications.mail import enabled, queue
from portal.regions import service as regions

LOCALES = ("zh_CN", "en")
DIVIDER = "\n\n— — —\n\n"


def _in_each_language(write: Callable[[str], str], joiner: str) -> str:
    parts = []
    for locale in LOCALES:
        with force_locale(locale):
            parts.append(write(locale))
    return joiner.join(parts)


def nobody_can_handle(complaint: Complaint, recipients: list[User]) -> None:
    """Tell `recipients` that the case's office has no active handler (sent after the commit)."""
    if not enabled() or not recipients:
        return
    office = regions.get(complaint.handling_region_code)
    number, due = complaint.case_number, complaint.next_due
    url = current_app.config["BASE_URL"].rstrip("/") + f"/staff/cases/{complaint.id}"

    def body(locale: str) -> str:
        lines = [
            _("Case %(number)s has reached %(office)s, where no active case handler can take it.",
              number=number, office=office.name(locale)),
            _("Assign it to a handler of an office above, or create a handler account for that office.")
            + " " + _("Until then it is listed under “Cases nobody is handling” in the back office."),
            _("The office's deadline is %(due)s.", due=due.isoformat()) if due else "",
            _("Open it in the back office: %(url)s", url=url),
            _("This email carries no details of the case and nothing about the reporter."),
        ]
        return "\n\n".join(line for line in lines if line)

    subject = _in_each_language(lambda _locale: _("Nobody can handle case %(number)s", number=number), " / ")
    text = _in_each_language(body, DIVIDER) + "\n"
    for user in recipients:
        queue(user.email, subject, text, complaint.handling_region_code)
