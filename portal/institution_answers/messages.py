"""The message that carries an institution's one-time link: a text message through the SMS channel
(the template `institution_link`) or a bilingual email through the mail queue, put in the outbox
with the change that makes the link, so no link leaves for a change that rolled back."""
from __future__ import annotations

import datetime as dt

from flask_babel import format_datetime

from portal.casework.models import Complaint
from portal.i18n import _
from portal.institution_answers.models import Channel
from portal.notifications import mail, sms

PATH = "/institution-answers/{case_number}/{token}"


def path(case_number: str, token: str) -> str:
    """The link's path on the portal (the route in `views`)."""
    return PATH.format(case_number=case_number, token=token)


def send(channel: Channel, address: str, complaint: Complaint, link_path: str, expires_at: dt.datetime) -> None:
    """Put the link's message to the registered contact in the outbox."""
    url = mail.link(link_path)
    if channel is Channel.SMS:
        sms.queue_sms(address, "institution_link", {"case_number": complaint.case_number, "link": url},
                      complaint.region_code)
        return

    def subject() -> str:
        return _("Complaint %(number)s: the office asks for your institution's answer", number=complaint.case_number)

    def body() -> list[str]:
        return [_("The education bureau handles a dispute between a parent and your institution, case "
                  "%(number)s. Read the facts and give your institution's position, and a refund if you "
                  "propose one, on this page:", number=complaint.case_number),
                url,
                _("The link works for one answer and until %(until)s. Do not pass it on: whoever holds it can "
                  "answer for your institution.", until=format_datetime(expires_at, "short"))]

    mail.queue(address, mail.subject_line(subject), mail.bilingual(body), complaint.region_code)
