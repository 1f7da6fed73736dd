"""Form pieces shared by every feature's forms."""
from __future__ import annotations

import re

from flask_babel.speaklater import LazyString
from wtforms import SelectChoice

from portal.i18n import LabelledEnum


def enum_choices(enum_class: type[LabelledEnum], blank: LazyString | None = None) -> list[SelectChoice]:
    """Select options for a labelled enum, optionally led by a blank "any" option."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(member.value, member.label) for member in enum_class]


# Control characters have no place in typed text (PostgreSQL refuses NUL outright); invisible
# and direction-changing characters would let a name read differently from what it is.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(value: str | None) -> str:
    """Typed text without control, invisible or bidi characters (line breaks and tabs kept)."""
    return CONTROL_CHARACTERS.sub("", value or "").strip()
