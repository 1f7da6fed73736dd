"""The handler's request for an extension, and the head of the office's decision."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.deadline_extensions.service import REASON_MAX
from portal.forms import TOO_LONG
from portal.i18n import _l
from portal.text import clean_text

APPROVE, REFUSE = "approve", "refuse"


class RequestForm(FlaskForm):
    """`max_days` is the longest extension the rules allow for the case's province."""

    days = IntegerField(_l("Extra days"), validators=[InputRequired(_l("Give the number of days."))])
    reason = TextAreaField(
        _l("Why the case needs more time (shown to the reporter once approved)"), filters=[clean_text],
        validators=[InputRequired(_l("Give the reason for the extension.")), Length(max=REASON_MAX, message=TOO_LONG)],
        description=_l("Only a complex case may be extended. The head of the office decides on this reason."))

    def __init__(self, *args, max_days: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_days = max_days

    def validate_days(self, field) -> None:
        if field.data is not None and not 1 <= field.data <= self.max_days:
            raise ValidationError(_l("At most %(max)s days, once.", max=self.max_days))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice(APPROVE, _l("Approve the extension")),
                                                   SelectChoice(REFUSE, _l("Refuse: the time limit stands"))],
                          validators=[InputRequired(_l("Choose whether to approve or refuse."))])
    note = TextAreaField(_l("Note to the handler"), filters=[clean_text],
                         validators=[Length(max=REASON_MAX, message=TOO_LONG)],
                         description=_l("Needed when you refuse. Staff only; it stays in the audit trail."))

    def validate_note(self, field) -> None:
        if self.decision.data == REFUSE and not field.data:
            raise ValidationError(_l("Say why the extension is refused."))
