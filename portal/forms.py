"""Form pieces shared by every feature's forms."""
from __future__ import annotations

from flask_babel.speaklater import LazyString
from wtforms import SelectChoice

from portal.i18n import LabelledEnum


def enum_choices(enum_class: type[LabelledEnum], blank: LazyString | None = None) -> list[SelectChoice]:
    """Select options for a labelled enum, optionally led by a blank "any" option."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(member.value, member.label) for member in enum_class]
