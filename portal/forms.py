"""Form pieces shared by every feature's forms: enum choices, dates, amounts in yuan, checkboxes,
the hidden state of a step, and the message for text that is too long."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import DateField, Field, HiddenField, SelectChoice, SelectMultipleField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from portal.i18n import LabelledEnum, _l
from portal.text import clean_text

__all__ = ["TOO_LONG", "CheckboxesField", "PlainDateField", "StateForm", "YuanField", "clean_text", "enum_choices"]

TOO_LONG = _l("Please keep it under %(max)d characters.")
YUAN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
# What people type around an amount: thousands separators, the currency sign, the unit.
AMOUNT_DECORATION = re.compile(r"[\s,，¥]|元|CNY|RMB", re.IGNORECASE)


def enum_choices(enum_class: type[LabelledEnum], blank: LazyString | None = None) -> list[SelectChoice]:
    """Select options for a labelled enum, optionally led by a blank "any" option."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(member.value, member.label) for member in enum_class]


class PlainDateField(DateField):
    """A date field whose complaint about a bad date says how to write one."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Enter the date as year-month-day, for example 2026-11-01."))) from exc


class YuanField(Field):
    """An amount in yuan, kept exact as a Decimal; "20,000", "¥1234.5" and full-width digits read."""

    widget = TextInput()

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = AMOUNT_DECORATION.sub("", unicodedata.normalize("NFKC", (valuelist or [""])[0] or "")[:40])
        if not text:
            return
        if not YUAN.fullmatch(text):
            raise ValueError(str(_l("Enter an amount in yuan with at most two decimals, for example 20000 or "
                                    "1234.50.")))
        self.data = Decimal(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class CheckboxesField(SelectMultipleField):
    """Several options as checkboxes; the values of a labelled enum."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StateForm(FlaskForm):
    """A step on the page as it was shown: a changed state means the page is out of date."""

    state = HiddenField(validators=[DataRequired()])
