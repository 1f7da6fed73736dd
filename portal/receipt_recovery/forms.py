"""The recovery's two forms; every message sits beside its field."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from portal.forms import clean_text
from portal.i18n import _l
from portal.notifications.sms import mainland_mobile


class AskForm(FlaskForm):
    """The mobile number given when filing, and the case number."""

    phone = StringField(_l("Mobile number"), filters=[clean_text],
                        validators=[DataRequired(_l("Enter the mobile number you gave when you filed."))],
                        description=_l("The 11-digit mobile number you gave with your name when you filed."))
    case_number = StringField(_l("Case number"), filters=[clean_text],
                              validators=[DataRequired(_l("Enter the case number from your receipt or letter."))],
                              description=_l("For example 330106-20261122-0001."))

    def validate_phone(self, field: StringField) -> None:
        if mainland_mobile(field.data) is None:
            raise ValidationError(_l("Enter an 11-digit mainland mobile number, for example 13912345678."))


class CodeForm(FlaskForm):
    """The six digits of the text message."""

    code = StringField(_l("Verification code"), filters=[clean_text],
                       validators=[DataRequired(_l("Enter the 6-digit code from the text message."))],
                       description=_l("6 digits. The code is valid for 5 minutes."))
