"""The declaration of a direct interest."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from portal.forms import TOO_LONG
from portal.i18n import _l
from portal.recusal.service import REASON_MAX
from portal.text import clean_text


class DeclarationForm(FlaskForm):
    reason = TextAreaField(
        _l("Your interest in this case"), filters=[clean_text],
        validators=[InputRequired(_l("Say what your interest is.")), Length(max=REASON_MAX, message=TOO_LONG)],
        description=_l("For example: a relative works for the institution, or you are the reporter's relative. "
                       "Your colleagues and the audit trail see this; the reporter does not."))
