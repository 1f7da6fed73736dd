"""Receipt codes: 80 random bits shown as XXXX-XXXX-XXXX-XXXX, stored only as a keyed hash."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 16 × 5 bits = 80 bits
# Crockford base32 reads the easily confused letters as the digits they look like.
ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
SEPARATORS = re.compile(r"[\s\-_.‐‑‒–—―]")


def generate() -> str:
    """A new receipt code from the operating system's randomness (`secrets`)."""
    value = secrets.randbits(LENGTH * 5)
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def display(code: str) -> str:
    """Group a normalised code in fours for reading aloud and writing down."""
    return "-".join(code[i:i + 4] for i in range(0, LENGTH, 4))


def normalise(text: str | None) -> str | None:
    """The canonical code from what a person typed (any case, dashes, spaces), or None."""
    # NFKC turns full-width letters, digits and dashes (a Chinese keyboard's) into ASCII ones.
    typed = unicodedata.normalize("NFKC", (text or "")[:64])
    code = SEPARATORS.sub("", typed).upper().translate(ALIASES)
    if len(code) != LENGTH or any(ch not in CROCKFORD for ch in code):
        return None
    return code


def digest(code: str, pepper: bytes) -> str:
    """HMAC-SHA256 of the canonical code under the pepper; the only form that is stored."""
    return hmac.new(pepper, b"receipt:" + code.encode(), hashlib.sha256).hexdigest()


def digests(code: str, peppers: list[bytes]) -> list[str]:
    """The code's digest under each pepper (a receipt keeps the pepper it was made with)."""
    return [digest(code, pepper) for pepper in peppers]


def matches(code: str, stored_digest: str, pepper: bytes) -> bool:
    """Constant-time comparison of a code with a stored digest."""
    return hmac.compare_digest(digest(code, pepper), stored_digest)
