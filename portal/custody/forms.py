"""Forms of identity custody: the handler's written request, and the custodian's decision."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.custody.service import NOTE_MAX, REASON_MAX
from portal.forms import TOO_LONG
from portal.i18n import _l
from portal.text import clean_text

APPROVE, DENY = "approve", "deny"


class RequestForm(FlaskForm):
    """Why the handler needs to know who the reporter is; the custodian decides on this."""

    reason = TextAreaField(
        _l("Why you need to know who the reporter is"), filters=[clean_text],
        validators=[InputRequired(_l("Say why you need to know who the reporter is.")),
                    Length(max=REASON_MAX, message=TOO_LONG)],
        description=_l("The custodian decides on this, and it stays in the case's audit trail. For example: "
                       "the reporter must be heard as a witness, or must collect a reward in person."))


class DecisionForm(FlaskForm):
    """Approve or deny; a denial says why."""

    decision = RadioField(_l("Decision"), choices=[SelectChoice(APPROVE, _l("Approve: the handler may see the "
                                                                             "identity for 24 hours")),
                                                   SelectChoice(DENY, _l("Deny"))],
                          validators=[InputRequired(_l("Choose whether to approve or deny."))])
    note = TextAreaField(
        _l("Note to the handler"), filters=[clean_text],
        validators=[Length(max=NOTE_MAX, message=TOO_LONG)],
        description=_l("Needed when you deny the request. The handler reads it, and it stays in the audit trail."))

    def validate_note(self, field) -> None:
        """A denial says why."""
        if self.decision.data == DENY and not field.data:
            raise ValidationError(_l("Say why the request is denied."))

    @property
    def approves(self) -> bool:
        """Whether the custodian chose to approve."""
        return self.decision.data == APPROVE
