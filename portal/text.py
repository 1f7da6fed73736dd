"""Cleaning typed text: services and forms both use it, so it lives apart from the forms."""
from __future__ import annotations

import re

# Control characters have no place in typed text (PostgreSQL refuses NUL outright); invisible
# and direction-changing characters would let a name read differently from what it is.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(value: str | None) -> str:
    """Typed text without control, invisible or bidi characters (line breaks and tabs kept)."""
    return CONTROL_CHARACTERS.sub("", value or "").strip()
