"""Which outbox messages an administrator may see, and putting a failed one back in the queue."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.sql import ColumnElement

from portal.accounts.models import User
from portal.errors import Conflict, NotFound
from portal.extensions import db
from portal.notifications import outbox
from portal.notifications.models import Message, State
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.security import audit

SHOWN_STATES = (State.FAILED, State.SENDING, State.PENDING)


class MessageNotFound(NotFound):
    """No such message in the administrator's jurisdiction."""


class NotFailed(Conflict):
    """Only a message that gave up can be tried again by hand."""


def in_jurisdiction(admin: User) -> ColumnElement[bool]:
    """Messages about offices inside the admin's jurisdiction; those about no office (none today)
    are shown to provincial administrators."""
    region = regions.get(admin.region_code)
    mine = Message.region_code.startswith(region.scope_prefix)
    return or_(mine, Message.region_code.is_(None)) if region.level is RegionLevel.PROVINCE else mine


def counts(admin: User) -> dict[State, int]:
    rows = db.session.execute(select(Message.state, func.count()).where(in_jurisdiction(admin))
                              .group_by(Message.state)).all()
    found = dict(rows)
    return {state: found.get(state, 0) for state in State}


def unsent(admin: User, limit: int = 200) -> list[Message]:
    """Failed messages first, then those being sent or waiting, oldest first within each."""
    order = {State.FAILED: 0, State.SENDING: 1, State.PENDING: 2}
    found = db.session.scalars(select(Message).where(in_jurisdiction(admin), Message.state.in_(SHOWN_STATES))
                               .order_by(Message.created_at, Message.id).limit(limit))
    return sorted(found, key=lambda m: order[m.state])


def retry(admin: User, message_id: int) -> Message:
    message = db.session.scalar(select(Message).where(Message.id == message_id, in_jurisdiction(admin)))
    if message is None:
        raise MessageNotFound()
    if message.state is not State.FAILED:
        raise NotFailed()
    audit.record(f"user:{admin.id}", "outbox.retry", "outbox_message", message.id,
                 before={"state": message.state.value, "attempts": message.attempts})
    outbox.retry_now(message)
    return message
