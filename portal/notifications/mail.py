"""The outbox: messages wait on the database session and go out over SMTP after it commits.

A message about a change is sent only once the change is committed (`portal.transaction.queue`):
a transaction (or a savepoint) that rolls back takes its messages with it. Sending never raises: the case is
already saved, and a mail server that is down or slow must not turn that into an error.
During a request the messages are handed to a small pool of background threads, so a slow
server never holds up the officer's or the reporter's page; commands (the daily reminders)
and tests send before they return.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import Flask, current_app, has_request_context

from portal import transaction
from portal.config import read_secret_file

log = logging.getLogger(__name__)
OUTBOX = "notifications.outbox"
TIMEOUT_SECONDS = 10  # per connection step; spent in a background thread, never in a request
SENDER_THREADS = 2
# Batches waiting for a sender thread at most; beyond this the mail server is clearly stuck, and
# further batches are logged as not sent rather than piling up in memory.
MAX_WAITING_BATCHES = 200
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
    transaction.queue(OUTBOX, Queued(compose(to, subject, body), _server()))


def background(app: Flask) -> bool:
    """Whether requests hand their mail to the background threads: yes, except under TESTING,
    where tests read the mailbox right after the request (MAIL_BACKGROUND overrides both)."""
    chosen = app.config.get("MAIL_BACKGROUND")
    return not app.testing if chosen is None else bool(chosen)


def dispatch(outbox: list[Queued]) -> None:
    """Send committed messages: in the background during a request, at once anywhere else."""
    app = current_app._get_current_object()
    if has_request_context() and background(app):
        _sender(app).submit(outbox)
    else:
        deliver(outbox)


class BackgroundSender:
    """A few threads that send the requests' mail, with a bounded queue, in an app context."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=SENDER_THREADS, thread_name_prefix="portal-mail")
        self.slots = threading.BoundedSemaphore(MAX_WAITING_BATCHES)
        self.pending: set[Future] = set()
        self.lock = threading.Lock()

    def submit(self, outbox: list[Queued]) -> None:
        if not self.slots.acquire(blocking=False):
            log.warning("mail: %d messages not sent (too many waiting for the mail server)", len(outbox))
            return
        future = self.pool.submit(self._run, outbox)
        with self.lock:
            self.pending.add(future)
        future.add_done_callback(self._done)

    def _run(self, outbox: list[Queued]) -> None:
        try:
            with self.app.app_context():
                deliver(outbox)
        except Exception as exc:  # noqa: BLE001  deliver logs its own failures; this is a last guard
            log.warning("mail: %d messages not sent (%s)", len(outbox), type(exc).__name__)
        finally:
            self.slots.release()

    def _done(self, future: Future) -> None:
        with self.lock:
            self.pending.discard(future)

    def wait(self, timeout: float) -> bool:
        """Wait until every batch handed over so far is sent or has failed; False on timeout."""
        with self.lock:
            pending = set(self.pending)
        return not wait_for(pending, timeout=timeout).not_done


_SENDER_KEY = "portal.mail_sender"
_sender_lock = threading.Lock()


def _sender(app: Flask) -> BackgroundSender:
    """The app's background sender, started with the first message (after any fork)."""
    with _sender_lock:
        sender = app.extensions.get(_SENDER_KEY)
        if sender is None:
            sender = app.extensions[_SENDER_KEY] = BackgroundSender(app)
        return sender


def waiting(app: Flask) -> int:
    """Batches this process has handed to its background sender and not yet finished (for /readyz)."""
    sender = app.extensions.get(_SENDER_KEY)
    if sender is None:
        return 0
    with sender.lock:
        return len(sender.pending)


def wait_until_sent(app: Flask, timeout: float = 30) -> bool:
    """Wait for the background threads to finish what they were given (tests, shutdown)."""
    sender = app.extensions.get(_SENDER_KEY)
    return sender is None or sender.wait(timeout)


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


transaction.on_commit(OUTBOX, dispatch)
