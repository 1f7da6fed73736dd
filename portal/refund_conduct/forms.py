"""The refund-conduct page's forms: propose a finding, propose lifting it, approve or refuse."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from portal.forms import TOO_LONG, CheckboxesField, PlainDateField
from portal.i18n import _l
from portal.refund_conduct.service import TEXT_MAX
from portal.text import clean_text

APPROVE, REFUSE = "approve", "refuse"


def _reason(label, message, description=None, required=True):
    validators = [InputRequired(message)] if required else []
    return TextAreaField(label, filters=[clean_text], description=description,
                         validators=[*validators, Length(max=TEXT_MAX, message=TOO_LONG)])


class FindingForm(FlaskForm):
    """`cases` offers the institution's refusals and broken agreements; the flag's are required."""

    reason = _reason(_l("Reason for the finding"), _l("Give the reason for the finding."),
                     _l("What the institution did, in the office's words; the public page shows only that "
                        "refund agreements were not kept and the day of the decision. No parent's name."))
    cases = CheckboxesField(_l("Mediation cases the finding rests on"), coerce=int,
                            description=_l("Every case the flag counts must be chosen; older refusals or broken "
                                           "agreements may be added."))
    told_on = PlainDateField(_l("Day the institution was told"),
                             validators=[InputRequired(_l("Give the day the institution was told."))],
                             description=_l("The institution must be told of the proposed finding and may answer "
                                            "before it is decided. Not in the future."))
    until = PlainDateField(_l("Last day in force (optional)"), validators=[Optional()],
                           description=_l("Leave empty to keep it in force until a decision lifts it."))

    def __init__(self, *args, cases=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cases.choices = list(cases)


class LiftingForm(FlaskForm):
    reason = _reason(_l("Why the finding is lifted"), _l("Give the reason for lifting the finding."),
                     _l("For example: the money agreed was repaid to every parent, confirmed on a given day."))


class DecideForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice(APPROVE, _l("Approve the proposal")),
                                                   SelectChoice(REFUSE, _l("Refuse the proposal"))],
                          validators=[InputRequired(_l("Choose whether to approve or refuse."))])
    note = _reason(_l("Why it is refused"), None, _l("Needed when you refuse; the proposer reads it."),
                   required=False)

    def validate_note(self, field) -> None:
        if self.decision.data == REFUSE and not field.data:
            raise ValidationError(_l("Say why the proposal is refused."))
