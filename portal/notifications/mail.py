"""Mail: messages are written to the durable outbox with the change that causes them, and the
outbox's worker sends them over SMTP (`portal.notifications.outbox`).

A message about a change exists only once the change is committed: it is a row of the same
transaction, so one that rolls back takes its messages with it. Queuing never raises and never
waits on the mail server; the worker retries a server that is down, and logs how many and what
went wrong, never to whom or what.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import force_locale

from portal.config import read_secret_file
from portal.notifications import outbox

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10  # per connection step; spent in the outbox worker, never in a request
# Refusals of this one message (5xx: for good; 4xx: try again); anything else (connection, TLS,
# login) is a failure to try again.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


@dataclass(frozen=True)
class Server:
    """Where to send, as configured for the process that delivers."""

    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool


def enabled() -> bool:
    """Mail is on when PORTAL_MAIL_SERVER is set; otherwise nothing is queued or sent."""
    return bool(current_app.config.get("MAIL_SERVER"))


def _server() -> Server:
    config = current_app.config
    password_file = config.get("MAIL_PASSWORD_FILE")
    secret = read_secret_file(Path(password_file)) if password_file else None
    return Server(config["MAIL_SERVER"], int(config["MAIL_PORT"]), config.get("MAIL_USERNAME") or None,
                  secret.decode() if secret else None, bool(config.get("MAIL_USE_TLS")))


def compose(to: str, subject: str, body: str, key: str | None = None) -> EmailMessage:
    """A plain-text UTF-8 message from the configured sender; `key` makes its Message-ID, the same
    on every attempt, so the recipient's system can drop a second copy."""
    sender = current_app.config["MAIL_SENDER"]
    domain = sender.rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{key}@{domain}>" if key else make_msgid(domain=domain)
    message.set_content(body, charset="utf-8", cte="base64")
    return message


def queue(to: str, subject: str, body: str, region_code: str | None = None) -> None:
    """Write a message to the outbox in the current transaction (nothing when mail is off).
    `region_code` is the office it concerns, for the administrators' outbox page."""
    if not enabled() or not to:
        return
    outbox.put("mail", {"to": to, "subject": subject, "body": body}, region_code)


class MailOff(RuntimeError):
    """PORTAL_MAIL_SERVER is not set where the outbox is delivered: the message waits for it."""


def send(outgoing: outbox.Outgoing) -> None:
    """Deliver one message over SMTP; a refusal of the recipient or the content is permanent."""
    if not enabled():
        raise MailOff()
    server = _server()
    message = compose(outgoing.content["to"], outgoing.content["subject"], outgoing.content["body"], outgoing.key)
    with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS) as smtp:
        if server.use_tls:
            smtp.starttls(context=ssl.create_default_context())
        if server.username:
            smtp.login(server.username, server.password or "")
        try:
            smtp.send_message(message)
        except REFUSED as exc:
            code = getattr(exc, "smtp_code", None)
            if code is None and isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
                code = next(iter(exc.recipients.values()))[0]
            code = code or 550
            if 400 <= int(code) < 500:
                raise  # a temporary refusal: try again later
            raise outbox.Permanent(f"{type(exc).__name__} {code}") from exc


outbox.add_channel("mail", send)


# ---- Composing: the texts are the features'; these put them in both languages ----------------

LOCALES = ("zh_CN", "en")
DIVIDER = "\n\n— — —\n\n"


def link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def bilingual(write: Callable[[], list[str]]) -> str:
    """The same lines in each language, Chinese first, separated by a divider."""
    parts = []
    for locale in LOCALES:
        with force_locale(locale):
            parts.append("\n\n".join(line for line in write() if line))
    return DIVIDER.join(parts) + "\n"


def subject_line(write: Callable[[], str]) -> str:
    parts = []
    for locale in LOCALES:
        with force_locale(locale):
            parts.append(write())
    return " / ".join(parts)
