"""The declaration of a direct interest, one's own or a colleague's."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.forms import TOO_LONG
from portal.i18n import _l
from portal.recusal.service import REASON_MAX
from portal.text import clean_text


class DeclarationForm(FlaskForm):
    person = SelectField(_l("Who has the interest"), default="",
                         description=_l("A declaration you record for a colleague holds only once a second "
                                        "person — neither you nor they — confirms it."))
    reason = TextAreaField(
        _l("The interest in this record"), filters=[clean_text],
        validators=[InputRequired(_l("Say what the interest is.")), Length(max=REASON_MAX, message=TOO_LONG)],
        description=_l("For example: a relative works for the institution, or you are the reporter's relative. "
                       "Your colleagues and the audit trail see this; the reporter does not."))
