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


# Control characters have no place in typed text, and PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    """Typed text without control characters (line breaks and tabs kept) or outer spaces."""
    return CONTROL_CHARACTERS.sub("", value or "").strip()
