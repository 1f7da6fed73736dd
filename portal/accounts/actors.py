"""Who an audit record names: an account's actor string ("user:12") as the person's name and role,
for every page that shows the audit trail (the log browser, a case's audit table)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db

USER_PREFIX = "user:"


@dataclass(frozen=True)
class Actor:
    """An account as an audit entry shows it."""

    name: str
    role: str  # the role's label, in the page's language
    username: str


def user_id(actor: str) -> int | None:
    """The account id in an actor string such as "user:12", or None for any other actor."""
    number = actor[len(USER_PREFIX):] if actor.startswith(USER_PREFIX) else ""
    return int(number) if number.isascii() and number.isdigit() and len(number) < 10 else None


def load(ids: Iterable[int | None]) -> dict[int, User]:
    """Several accounts at once (one query), by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def describe(actor: str, users: dict[int, User]) -> Actor | None:
    """The named account behind an actor string, if it is one of `users`."""
    user = users.get(user_id(actor) or 0)
    return Actor(user.display_name, str(user.role.label), user.username) if user else None


def named(actors: Iterable[str]) -> dict[str, Actor]:
    """The accounts among these actor strings, each with its name and role, in one query."""
    actors = set(actors)
    users = load(user_id(actor) for actor in actors)
    found = {actor: describe(actor, users) for actor in actors}
    return {actor: who for actor, who in found.items() if who is not None}
