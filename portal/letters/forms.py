"""The print queue's forms: print a letter (its CSRF token only), mark it posted, record its receipt."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError
from wtforms.validators import InputRequired, Length

from portal import clock
from portal.forms import PlainDateField, clean_text
from portal.i18n import _l
from portal.letters.service import valid_registered_number

NOT_A_NUMBER = _l("This is not a registered-mail number: 2 letters, 9 digits and 2 letters, with a valid check "
                  "digit, for example XA123456785CN.")
FUTURE = _l("The day cannot be in the future.")


class PrintForm(FlaskForm):
    """Open the address and make the letter's PDF (audited)."""


class PostedForm(FlaskForm):
    day = PlainDateField(_l("Day posted"), validators=[InputRequired(_l("Give the day the letter was posted."))],
                         description=_l("As on the post office's receipt, for example 2026-12-01."))
    number = StringField(_l("Registered-mail number (挂号信号)"), filters=[clean_text, lambda v: (v or "").replace(
        " ", "").upper()], validators=[InputRequired(_l("Give the registered-mail number.")), Length(max=20)],
        description=_l("13 characters as on the post office's receipt, for example XA123456785CN."))

    def validate_day(self, field) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError(FUTURE)

    def validate_number(self, field) -> None:
        if field.data and not valid_registered_number(field.data):
            raise ValidationError(NOT_A_NUMBER)


class ReceiptForm(FlaskForm):
    day = PlainDateField(_l("Day the reporter received it"),
                         validators=[InputRequired(_l("Give the day on the return receipt."))],
                         description=_l("As on the postal return receipt (回执), for example 2026-12-03."))
