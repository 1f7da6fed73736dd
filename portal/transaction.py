"""One commit point: a request's changes are committed once, after its view has answered.

Views never commit. A view that answers with a page or a redirect (status below 400) has its
changes committed; an error answer, an aborted request or an exception rolls them back, so a
form returned for correction stores nothing. A view whose error answer must still keep a record
(a failed sign-in is audited) says so with `keep_on_error()`.

What must follow a commit (mail, cache invalidation) waits on the session: `after_commit(fn)`
for one task, or `queue(key, item)` for a batch that a handler registered with `on_commit(key,
handler)` receives whole (mail goes out over one connection). Each item belongs to the innermost
transaction it was queued in: a savepoint or transaction that rolls back takes its items with it,
and they run only once the outermost transaction has committed. Commands commit themselves; the
same queue runs after their commit. A follow-up that fails is logged and never reaches the answer:
the change is saved, and the user must not be told otherwise. A commit the database does not
confirm is answered with `CommitUncertain` (503), whose page says the change may have been saved.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.exceptions import ServiceUnavailable

from portal.extensions import db
from portal.i18n import _l

log = logging.getLogger(__name__)
PENDING = "portal.after_commit"
_handlers: dict[str, Callable[[list[Any]], None]] = {PENDING: lambda tasks: [_run(task) for task in tasks]}


@dataclass(frozen=True)
class Pending:
    key: str
    item: Any
    transaction: SessionTransaction  # the innermost transaction when it was queued


def keep_on_error() -> None:
    """Commit this request's changes even though it answers with an error status."""
    g.portal_keep_on_error = True


def on_commit(key: str, handler: Callable[[list[Any]], None]) -> None:
    """Have `handler` receive, after each commit, every item queued under `key` (in order)."""
    _handlers[key] = handler


def queue(key: str, item: Any, session: Session | None = None) -> None:
    """Hold `item` for `key`'s handler until the current transaction (of `session`, by default the
    request's) commits."""
    session = session or db.session()
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(PENDING, []).append(Pending(key, item, transaction))


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` after the current transaction commits; dropped if it rolls back."""
    queue(PENDING, callback)


def queued(key: str) -> list[Any]:
    """What waits under `key` in the current session (for tests and diagnostics)."""
    return [pending.item for pending in db.session().info.get(PENDING, []) if pending.key == key]


def _run(task: Callable[[], None]) -> None:
    try:
        task()
    except Exception:  # the change is committed; one failed follow-up must not undo the answer
        log.exception("a task queued after a commit failed")


def _inside(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a savepoint was released: the outer transaction may still roll back
    batches: dict[str, list[Any]] = {}
    for pending in session.info.pop(PENDING, []):
        batches.setdefault(pending.key, []).append(pending.item)
    for key, items in batches.items():
        try:
            _handlers[key](items)
        except Exception:  # the change is committed: its answer must say so, whatever a follow-up did
            log.exception("the %s handler failed after a commit", key)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(PENDING)
    if pending:
        session.info[PENDING] = [each for each in pending if not _inside(each.transaction, previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _drop_unsent(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)  # rolled back or closed: a commit has taken its items


class CommitUncertain(ServiceUnavailable):
    """The database did not confirm the commit (the connection was lost while committing): the
    change may or may not have been saved, so the answer must not tell the user it was not."""

    texts = (_l("We could not confirm that this was saved"),
             _l("The database stopped answering while saving. Your change may have been saved. Wait a "
                "minute, then reload the page and check before entering it again. A complaint form "
                "sent again shows its receipt instead of filing the complaint twice."))


CONNECTION_ERRORS = (OperationalError, InterfaceError)  # the database is down or the link broke


def _answer(error: Exception) -> Response:
    app = current_app._get_current_object()
    return app.make_response(app.handle_user_exception(error))


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the server discards the transaction itself
        log.warning("rollback failed after a database error")


def _finish(response: Response) -> Response:
    """Commit a successful request's changes, roll back an error's."""
    if response.status_code >= 400 and not g.pop("portal_keep_on_error", False):
        db.session.rollback()
        return response
    try:
        db.session.flush()
    except CONNECTION_ERRORS as exc:  # nothing reached the database: nothing is saved
        _rollback()
        return _answer(exc)
    try:
        db.session.commit()
    except CONNECTION_ERRORS as exc:
        _rollback()
        log.warning("the database did not confirm a commit (%s)", type(exc.orig).__name__)
        return _answer(CommitUncertain())
    return response


def init_app(app: Flask) -> None:
    """Commit at the end of every request (registered first, so it runs after every other hook)."""
    app.after_request(_finish)
