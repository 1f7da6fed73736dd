"""One commit point: a request's changes are committed once, after its view has answered.

Views never commit. A view that answers with a page or a redirect (status below 400) has its
changes committed; an error answer, an aborted request or an exception rolls them back, so a
form returned for correction stores nothing. A view whose error answer must still keep a record
(a failed sign-in is audited) says so with `keep_on_error()`. Work that must follow a commit
(mail, cache invalidation) is queued with `after_commit()` and runs only once the commit holds;
command-line commands commit themselves and the same queue runs after their commit.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, g
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db

log = logging.getLogger(__name__)
PENDING = "portal.after_commit"


def keep_on_error() -> None:
    """Commit this request's changes even though it answers with an error status."""
    g.portal_keep_on_error = True


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` after the current transaction commits; dropped if it rolls back."""
    db.session().info.setdefault(PENDING, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    for callback in session.info.pop(PENDING, []):
        try:
            callback()
        except Exception:  # the change is committed; one failed follow-up must not undo the answer
            log.exception("a task queued after a commit failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None or not session.in_transaction():
        session.info.pop(PENDING, None)


def _finish(response: Response) -> Response:
    """Commit a successful request's changes, roll back an error's."""
    if response.status_code < 400 or g.pop("portal_keep_on_error", False):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def init_app(app: Flask) -> None:
    """Commit at the end of every request (registered first, so it runs after every other hook)."""
    app.after_request(_finish)
