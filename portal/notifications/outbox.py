"""The durable outbox: every outgoing message is a row written in the transaction that causes it.

Why a database outbox polled by a `flask outbox work` process rather than a queue library: the
message must exist exactly when the change that causes it exists, which only the same database
transaction gives (a broker would need a second commit that can fail on its own); the volume is
small (hundreds a day); and it adds no service to run — Redis here keeps nothing on disk.

A row is `pending` until a worker claims it (`sending`, with a lease), then `sent`, or back to
`pending` with a later `next_attempt_at` after a transient failure (backoff doubling from 30
seconds to 6 hours), or `failed` after a permanent refusal or `MAX_ATTEMPTS`. Each attempt is a row
of its own with its result. Messages are claimed one at a time; the claim is committed before
delivery starts and the result right after it, so a worker killed mid-delivery leaves at most the message in its
hands claimed; once the lease runs out another worker takes it again with the same key — the
Message-ID (or a provider's request id) the recipient's system uses to drop a second copy.

What is sent and to whom is encrypted under the data key; the table itself holds no address and no
text. Delivery runs where the configuration says (`PORTAL_OUTBOX_DELIVERY`): `worker` (production:
its own process), `thread` (development: a thread of the web process, so `make run` alone delivers)
or `inline` (tests: right after the commit, before the request returns).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal import clock, transaction
from portal.extensions import db
from portal.notifications.models import Attempt, Message, Result, State
from portal.security import audit, crypto

log = logging.getLogger(__name__)
WAKE = "notifications.outbox.wake"
MAX_ATTEMPTS = 10
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=2)  # longer than one delivery can take (connection steps time out at 10 s)
BATCH = 50  # messages in one round; a worker starts the next round at once while there are more


class Permanent(Exception):
    """The recipient's side refused this message for good: trying again cannot help."""


@dataclass(frozen=True)
class Outgoing:
    """A message opened for delivery."""

    key: str
    content: dict


# channel name -> function delivering one message; raises Permanent, or anything else to retry
_channels: dict[str, Callable[[Outgoing], None]] = {}


def add_channel(name: str, deliver_one: Callable[[Outgoing], None]) -> None:
    _channels[name] = deliver_one


def put(channel: str, content: dict, region_code: str | None = None) -> str:
    """Write a message into the current transaction; it leaves only if that transaction commits."""
    key = str(uuid.uuid4())
    sealed = crypto.encrypt_text(json.dumps(content, ensure_ascii=False))
    db.session.add(Message(key=key, channel=channel, region_code=region_code, payload=sealed,
                           next_attempt_at=clock.now()))
    transaction.queue(WAKE, key)
    return key


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failure: 30 s, 1 min, 2 min, … at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_WAIT)


def _claim(session: Session, now: dt.datetime, keys: list[str] | None, limit: int) -> list[int]:
    """Take up to `limit` due messages (or the given ones) for this worker; commit the claim."""
    due = or_(Message.state == State.PENDING,
              (Message.state == State.SENDING) & (Message.claimed_until < now))  # a worker died holding it
    query = select(Message).where(due, Message.next_attempt_at <= now).order_by(Message.id).limit(limit)
    if keys is not None:
        query = query.where(Message.key.in_(keys))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for message in session.scalars(query):
        if message.state is State.SENDING:
            for unfinished in session.scalars(select(Attempt).where(Attempt.message_id == message.id,
                                                                    Attempt.result.is_(None))):
                unfinished.result, unfinished.finished_at = Result.INTERRUPTED, now
        message.state, message.claimed_until = State.SENDING, now + LEASE
        message.attempts += 1
        session.add(Attempt(message_id=message.id, number=message.attempts, started_at=now))
        claimed.append(message.id)
    session.commit()
    return claimed


def _deliver(session: Session, message_id: int) -> bool:
    """Deliver one claimed message and record the result; True when it was sent."""
    message = session.get(Message, message_id)
    attempt = session.scalars(select(Attempt).where(Attempt.message_id == message_id, Attempt.result.is_(None))
                              .order_by(Attempt.id.desc())).first()
    error = None
    try:
        outgoing = Outgoing(message.key, json.loads(crypto.decrypt_text(message.payload)))
        _channels[message.channel](outgoing)
    except Permanent as exc:
        result, error = Result.REFUSED, str(exc)[:80] or "refused"
    except Exception as exc:  # noqa: BLE001  anything else may pass: try again later
        result, error = (Result.GAVE_UP if message.attempts >= MAX_ATTEMPTS else Result.RETRY), type(exc).__name__
    else:
        result = Result.SENT
    now = clock.now()
    if result is Result.SENT:
        message.state, message.sent_at, message.last_error = State.SENT, now, None
    elif result is Result.RETRY:
        message.state, message.next_attempt_at = State.PENDING, now + backoff(message.attempts)
    else:
        message.state = State.FAILED
    if error:
        message.last_error = error
    message.claimed_until = None
    if attempt is not None:
        attempt.result, attempt.finished_at, attempt.error = result, now, error
    session.commit()
    # Counts and kinds only: never the address or the text.
    if result is not Result.SENT:
        log.warning("outbox: message %d (%s) not sent, attempt %d: %s (%s)", message.id, message.channel,
                    message.attempts, result.value, error)
    return result is Result.SENT


def deliver_due(session: Session | None = None, keys: list[str] | None = None, limit: int = BATCH) -> tuple[int, int]:
    """Claim and deliver what is due (or just `keys`), one message at a time, at most `limit`
    of them in this round; returns (sent, not sent)."""
    session = session or db.session
    sent = failed = 0
    for _ in range(limit if keys is None else len(keys)):
        claimed = _claim(session, clock.now(), keys, 1)
        if not claimed:
            break
        if _deliver(session, claimed[0]):
            sent += 1
        else:
            failed += 1
    return sent, failed


@dataclass(frozen=True)
class Backlog:
    waiting: int  # pending or being sent
    failed: int  # gave up, waiting for an administrator
    oldest_waiting_seconds: float | None


def backlog(now: dt.datetime | None = None) -> Backlog:
    """How much the outbox holds that is not delivered (for /readyz and /metrics)."""
    now = now or clock.now()
    counts = dict(db.session.execute(select(Message.state, func.count())
                                     .where(Message.state.in_((State.PENDING, State.SENDING, State.FAILED)))
                                     .group_by(Message.state)).all())
    oldest = db.session.scalar(select(func.min(Message.created_at))
                               .where(Message.state.in_((State.PENDING, State.SENDING))))
    return Backlog(counts.get(State.PENDING, 0) + counts.get(State.SENDING, 0), counts.get(State.FAILED, 0),
                   (now - oldest).total_seconds() if oldest else None)


def retry_now(message: Message) -> None:
    """Put a message that gave up back in the queue with a fresh series of attempts (an
    administrator's decision, audited by the caller; the earlier attempts stay recorded)."""
    message.state, message.next_attempt_at, message.claimed_until = State.PENDING, clock.now(), None
    message.attempts = 0
    transaction.queue(WAKE, message.key)


# --- where delivery runs ---------------------------------------------------------------------------

def mode(app: Flask) -> str:
    return app.config.get("OUTBOX_DELIVERY") or {"production": "worker", "testing": "inline"}.get(
        app.config.get("ENV_NAME"), "thread")


def _after_commit(keys: list[str]) -> None:
    app = current_app._get_current_object()
    chosen = mode(app)
    if chosen == "inline":
        # The committing session cannot run SQL inside its own commit event: use one of our own.
        with Session(bind=db.engine, join_transaction_mode="create_savepoint") as session:
            deliver_due(session, keys=keys)
    elif chosen == "thread":
        _thread(app).wake.set()


class Worker(threading.Thread):
    """The development server's own delivery loop: woken by each commit, and every few seconds."""

    def __init__(self, app: Flask, poll_seconds: float = 5.0) -> None:
        super().__init__(name="portal-outbox", daemon=True)
        self.app, self.poll_seconds = app, poll_seconds
        self.wake, self.stopping = threading.Event(), threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait(self.poll_seconds)
            self.wake.clear()
            if self.stopping.is_set():
                return
            try:
                with self.app.app_context():
                    audit.sequence()  # and chains the audit records appended since the last round
                    db.session.commit()
                    deliver_due()
                    db.session.remove()
            except Exception:  # noqa: BLE001  keep the loop alive; the next round tries again
                log.exception("outbox: delivery round failed")


_THREAD_KEY = "portal.outbox_thread"
_thread_lock = threading.Lock()


def _thread(app: Flask) -> Worker:
    with _thread_lock:
        worker = app.extensions.get(_THREAD_KEY)
        if worker is None or not worker.is_alive():
            worker = app.extensions[_THREAD_KEY] = Worker(app)
            worker.start()
        return worker


def stop_thread(app: Flask, timeout: float = 10) -> None:
    """Stop the app's delivery thread after its current round (tests, shutdown)."""
    worker = app.extensions.pop(_THREAD_KEY, None)
    if worker is not None:
        worker.stopping.set()
        worker.wake.set()
        worker.join(timeout)


transaction.on_commit(WAKE, _after_commit)
