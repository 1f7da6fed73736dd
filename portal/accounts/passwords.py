"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from portal.errors import Invalid

MIN_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's 0–4 scale; below 3 are common or guessable passwords
# OWASP's argon2id minimum: 19 MiB of memory, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the account does not exist, so both answers take the same time.
_DUMMY_HASH = HASHER.hash("no such account, same work")


class WeakPassword(Invalid):
    """The password is too short or too easy to guess; `reason` is `length` or `common`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_policy(password: str, personal: list[str]) -> None:
    """Refuse passwords under 12 characters, and common or guessable ones (names included)."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword("length")
    if zxcvbn(password[:100], user_inputs=[word for word in personal if word])["score"] < MIN_STRENGTH:
        raise WeakPassword("common")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password in constant work whether or not there is an account."""
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return HASHER.check_needs_rehash(stored_hash)
