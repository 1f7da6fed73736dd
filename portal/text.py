"""Cleaning typed text: services and forms both use it, so it lives apart from the forms."""
from __future__ import annotations

import re

# Control characters have no place in typed text (PostgreSQL refuses NUL outright); invisible
# and direction-changing characters would let a name read differently from what it is; lone
# surrogates and the non-characters U+FFFE and U+FFFF are not allowed in XML (they would break
# the Atom feeds) and mean nothing in text.
CONTROL_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]")
# Everything XML 1.0 does not allow in a document (its `Char` production), for text written
# into XML that may hold what was stored before the rule above, or came in by another door.
NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: str | None) -> str:
    """Typed text without control, invisible or bidi characters (line breaks and tabs kept)."""
    return CONTROL_CHARACTERS.sub("", value or "").strip()


def xml_safe(value: str | None) -> str:
    """Text without the characters XML 1.0 does not allow, so a feed always parses."""
    return NOT_XML.sub("", value or "")
