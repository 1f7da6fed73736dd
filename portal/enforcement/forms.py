"""The enforcement page's forms: the decision on 立案, the reporter told, the penalty decision
linked, and closing without a penalty."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.enforcement.models import ToldHow
from portal.enforcement.service import REASON_MAX
from portal.forms import TOO_LONG, PlainDateField, StateForm, enum_choices
from portal.i18n import _l
from portal.text import clean_text

OPEN, DECLINE = "open", "decline"
NOT_ON_TRACK = "none"  # the state a RecordForm was shown in


class RecordForm(StateForm):
    """Take the case as a report of a violation: the button, and the state the page showed ("none":
    not on the track), so a post from a page out of date is refused."""


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[
        SelectChoice(OPEN, _l("Open an enforcement case (立案)")),
        SelectChoice(DECLINE, _l("Do not open a case (不予立案)"))],
        validators=[InputRequired(_l("Choose whether a case is opened."))])
    decided_on = PlainDateField(_l("Day of the decision"),
                                validators=[InputRequired(_l("Give the day of the decision."))],
                                description=_l("Not before the report arrived, not in the future. The named "
                                               "reporter's notice is counted from this day."))
    reason = TextAreaField(_l("Why no case is opened (the reporter reads this)"), filters=[clean_text],
                           validators=[Length(max=REASON_MAX, message=TOO_LONG)],
                           description=_l("Needed when no case is opened."))

    def validate_reason(self, field) -> None:
        if self.decision.data == DECLINE and not field.data:
            raise ValidationError(_l("Say why no case is opened."))


class ToldForm(FlaskForm):
    told_on = PlainDateField(_l("Day the reporter was told"),
                             validators=[InputRequired(_l("Give the day the reporter was told."))])
    how = RadioField(_l("How the reporter was told"), choices=enum_choices(ToldHow),
                     validators=[InputRequired(_l("Choose how the reporter was told."))])


class LinkForm(FlaskForm):
    disclosure = RadioField(_l("Published penalty decision"), choices=[],
                            validators=[InputRequired(_l("Choose the published decision."))])


class CloseForm(FlaskForm):
    reason = TextAreaField(_l("Why the case ends without a penalty decision (the reporter reads this)"),
                           filters=[clean_text], validators=[
                               InputRequired(_l("Say why the case ends without a penalty decision.")),
                               Length(max=REASON_MAX, message=TOO_LONG)],
                           description=_l("For example: no violation found (不予行政处罚), the case was "
                                          "withdrawn (撤销立案), or handed to another authority (移送)."))
