"""Telling a named reporter, by the channel they chose at filing, that their case has news or that a
written notice was issued: a text (the outbox's "sms" channel: to, template, params) or a bare
email. Never what happened: the case number and where to look. The contact is opened here, for
the message only; the message itself is sealed in the outbox like any other."""
from __future__ import annotations

import logging

from nacl.exceptions import CryptoError

from portal.extensions import db
from portal.i18n import _
from portal.notifications import outbox
from portal.notifications.mail import bilingual, enabled, link, queue, subject_line
from portal.security import crypto

log = logging.getLogger(__name__)
TOLD = "notifications.reporter_told"


def _told(case_id: int) -> bool:
    """Whether the reporter was told already in this transaction; marks them told."""
    session = db.session()
    root = session.get_transaction() or session.begin()
    mark = session.info.get(TOLD)
    if mark is None or mark[0] is not root:
        mark = session.info[TOLD] = (root, set())
    known = case_id in mark[1]
    mark[1].add(case_id)
    return known


def tell(case_id: int, channel: str, sealed_contact: bytes, case_number: str, region_code: str,
         notice: bool = False) -> None:
    """Queue the text or email for `channel` ("sms" or "email"; a "letter" is the notice itself).
    News goes once per transaction and not after a notice (a step that issues a notice tells about
    the notice); every notice goes."""
    if channel not in ("sms", "email") or (_told(case_id) and not notice):
        return
    if channel == "email" and not enabled():
        return
    try:
        contact = crypto.decrypt_text(sealed_contact)
    except (CryptoError, ValueError) as exc:
        log.warning("notifications: a reporter's contact could not be read (%s)", type(exc).__name__)
        return
    if channel == "sms":
        outbox.put("sms", {"to": contact, "template": "notice" if notice else "news",
                           "params": {"case_number": case_number}}, region_code)
        return
    url = link("/track")
    subject = subject_line(lambda: _("A notice was issued on your case %(number)s", number=case_number) if notice
                           else _("Your case %(number)s has an update", number=case_number))
    body = bilingual(lambda: [
        _("A written notice was issued on your case %(number)s.", number=case_number) if notice
        else _("There is an update on your case %(number)s.", number=case_number),
        _("To read it, open %(url)s and enter the receipt code you were given when you filed it.", url=url),
        _("For your safety this email contains no details of the case. If you did not file this "
          "complaint, you can ignore this message."),
    ])
    queue(contact, subject, body, region_code)
