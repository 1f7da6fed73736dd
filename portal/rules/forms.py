"""The form changing one rule in one scope: the value (a number or yes/no), going back to the
national value (provinces), and the reason, which the history keeps."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import TOO_LONG, clean_text
from portal.i18n import _l


class RuleForm(FlaskForm):
    value = StringField(_l("New value"), filters=[clean_text], validators=[Optional(), Length(max=20)])
    follow_national = BooleanField(_l("Follow the national value again"))
    reason = TextAreaField(_l("Reason for the change"), filters=[clean_text],
                           validators=[DataRequired(_l("Give the reason for the change.")),
                                       Length(max=2000, message=TOO_LONG)],
                           description=_l("For example the provincial notice that sets it. Kept in the history."))


class FlagRuleForm(RuleForm):
    value = RadioField(_l("New value"), choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                       validators=[Optional()])
