"""The print queue's forms: print a letter (its CSRF token only), mark it posted, record its receipt."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from portal.forms import PlainDateField, clean_text
from portal.i18n import _l


class PrintForm(FlaskForm):
    """Open the address and make the letter's PDF (audited)."""


class PostedForm(FlaskForm):
    day = PlainDateField(_l("Day posted"), validators=[InputRequired(_l("Give the day the letter was posted."))],
                         description=_l("As on the post office's receipt, for example 2026-12-01."))
    number = StringField(_l("Registered-mail number (挂号信号)"), filters=[clean_text, lambda v: (v or "").replace(
        " ", "").upper()], validators=[InputRequired(_l("Give the registered-mail number.")), Length(max=20)],
        description=_l("13 characters as on the post office's receipt, for example XA123456785CN."))


class ReceiptForm(FlaskForm):
    day = PlainDateField(_l("Day the reporter received it"),
                         validators=[InputRequired(_l("Give the day on the return receipt."))],
                         description=_l("As on the postal return receipt (回执), for example 2026-12-03."))
