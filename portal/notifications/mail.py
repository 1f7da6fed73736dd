"""The outbox: messages wait on the database session and go out over SMTP after it commits.

A message about a change is sent only once the change is committed: a transaction (or a
savepoint) that rolls back takes its messages with it. Sending never raises: the case is
already saved, and a mail server that is down or slow must not turn that into an error.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections import defaultdict
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.config import read_secret_file
from portal.extensions import db

log = logging.getLogger(__name__)
OUTBOX = "notifications.outbox"
TIMEOUT_SECONDS = 10
# Refusals of one message; anything else (connection, TLS, login) stops the whole batch.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class Server:
    """Where to send, as configured when the message was queued."""

    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool


@dataclass(frozen=True)
class Queued:
    message: EmailMessage
    server: Server
    transaction: SessionTransaction  # the innermost transaction when it was queued


def enabled() -> bool:
    """Mail is on when PORTAL_MAIL_SERVER is set; otherwise nothing is queued or sent."""
    return bool(current_app.config.get("MAIL_SERVER"))


def _server() -> Server:
    config = current_app.config
    password_file = config.get("MAIL_PASSWORD_FILE")
    secret = read_secret_file(Path(password_file)) if password_file else None
    return Server(config["MAIL_SERVER"], int(config["MAIL_PORT"]), config.get("MAIL_USERNAME") or None,
                  secret.decode() if secret else None, bool(config.get("MAIL_USE_TLS")))


def compose(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message from the configured sender."""
    sender = current_app.config["MAIL_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(body, charset="utf-8", cte="base64")
    return message


def queue(to: str, subject: str, body: str) -> None:
    """Send a message after the current database transaction commits (nothing when mail is off)."""
    if not enabled() or not to:
        return
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(OUTBOX, []).append(Queued(compose(to, subject, body), _server(), transaction))


def _inside(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(db.session, "after_commit")
def _send_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a savepoint was released: the outer transaction may still roll back
    outbox = session.info.pop(OUTBOX, None)
    if outbox:
        deliver(outbox)


@event.listens_for(db.session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    outbox = session.info.get(OUTBOX)
    if outbox:
        session.info[OUTBOX] = [item for item in outbox if not _inside(item.transaction, previous_transaction)]


@event.listens_for(db.session, "after_transaction_end")
def _drop_unsent(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(OUTBOX, None)  # rolled back or closed: a commit has taken its messages


def deliver(outbox: list[Queued]) -> None:
    """Send queued messages, one connection per server; failures are logged, never raised."""
    batches: dict[Server, list[EmailMessage]] = defaultdict(list)
    for item in outbox:
        batches[item.server].append(item.message)
    for server, messages in batches.items():
        _send(server, messages)


def _send(server: Server, messages: list[EmailMessage]) -> None:
    # Logs say how many and what went wrong, never to whom or what: addresses and bodies stay out.
    sent = refused = 0
    try:
        with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS) as smtp:
            if server.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if server.username:
                smtp.login(server.username, server.password or "")
            for message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except REFUSED as exc:
                    refused += 1
                    log.warning("mail: one message refused (%s)", type(exc).__name__)
    except Exception as exc:  # noqa: BLE001  the case is saved; mail must not undo or block that
        log.warning("mail: %d of %d messages not sent (%s)", len(messages) - sent, len(messages),
                    type(exc).__name__)
        return
    log.info("mail: %d of %d messages sent", sent, len(messages))
