"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from portal.config_checks import PASSWORD_HASH_PROFILES, password_hash_parameters
from portal.errors import Invalid

MIN_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's 0–4 scale; below 3 are common or guessable passwords
STANDARD = PASSWORD_HASH_PROFILES["standard"]  # OWASP's argon2id minimum, outside the test suite


class WeakPassword(Invalid):
    """The password is too short or too easy to guess; `reason` is `length` or `common`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_policy(password: str, personal: list[str]) -> None:
    """Refuse passwords under 12 characters, and common or guessable ones (names included)."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword("length")
    from zxcvbn import zxcvbn  # its dictionaries are 13 MB: loaded by the first password set, not by every worker

    if zxcvbn(password[:100], user_inputs=[word for word in personal if word])["score"] < MIN_STRENGTH:
        raise WeakPassword("common")


@functools.cache
def _hasher_with(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """The hasher the app's configuration chooses (checked each time: production refuses a cheap one)."""
    parameters = password_hash_parameters(current_app.config) if has_app_context() else STANDARD
    return _hasher_with(**parameters)


@functools.cache
def _dummy_hash(chosen: PasswordHasher) -> str:
    """Verified against when the account does not exist, so both answers take the same time."""
    return chosen.hash("no such account, same work")


# Made now, as before profiles, so that even a process's first unknown-account sign-in takes the usual time.
_dummy_hash(_hasher_with(**STANDARD))


def hash_password(password: str) -> str:
    """An argon2id hash of `password` with the configured parameters."""
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password in constant work whether or not there is an account."""
    chosen = hasher()
    try:
        return chosen.verify(stored_hash or _dummy_hash(chosen), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return hasher().check_needs_rehash(stored_hash)
