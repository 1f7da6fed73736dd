"""The mediation page's forms (the decision, a session, the agreement, the end, the report track)
and the parent's (the money arrived or not, the rating)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.casework.models import Rating
from portal.forms import TOO_LONG, PlainDateField, YuanField, enum_choices
from portal.i18n import _l
from portal.mediation.models import EndReason, PaidHow, SessionForm
from portal.mediation.service import REPORTABLE, TEXT_MAX
from portal.text import clean_text

TAKE, DECLINE = "take", "decline"
ARRIVED, NOT_ARRIVED = "arrived", "not_arrived"
FACTS_MIN = 20


def _text(label, message, description=None, required=True):
    validators = [InputRequired(message)] if required else []
    return TextAreaField(label, filters=[clean_text], description=description,
                         validators=[*validators, Length(max=TEXT_MAX, message=TOO_LONG)])


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[
        SelectChoice(TAKE, _l("Take the dispute for mediation")),
        SelectChoice(DECLINE, _l("Do not take it for mediation"))],
        validators=[InputRequired(_l("Choose whether the dispute is taken for mediation."))])
    decided_on = PlainDateField(_l("Day of the decision"),
                                validators=[InputRequired(_l("Give the day of the decision."))],
                                description=_l("Not before the complaint arrived, not in the future. Mediation's "
                                               "time limit runs from this day."))
    reason = _text(_l("Why it is not taken (the parent reads this)"), None,
                   _l("Needed when the dispute is not taken, for example: the institution refused mediation, or "
                      "a court or arbitration is already dealing with it."), required=False)

    def validate_reason(self, field) -> None:
        if self.decision.data == DECLINE and not field.data:
            raise ValidationError(_l("Say why the dispute is not taken for mediation."))


class SessionRecordForm(FlaskForm):
    held_on = PlainDateField(_l("Day of the session"), validators=[InputRequired(_l("Give the day of the session."))])
    form = RadioField(_l("How it took place"), choices=enum_choices(SessionForm),
                      validators=[InputRequired(_l("Choose how the session took place."))])
    participants = StringField(_l("Who took part"), filters=[clean_text],
                               validators=[InputRequired(_l("Say who took part.")), Length(max=500, message=TOO_LONG)],
                               description=_l("Roles, for example: the mediator, the parent, the institution's "
                                              "manager. No telephone numbers."))
    parent_said = _text(_l("What the parent said"), _l("Write what the parent said."))
    institution_said = _text(_l("What the institution said"), _l("Write what the institution said."))


class AgreementForm(FlaskForm):
    ended_on = PlainDateField(_l("Day of the agreement"),
                              validators=[InputRequired(_l("Give the day of the agreement."))])
    amount = YuanField(_l("Amount to be returned (yuan)"), validators=[InputRequired(_l("Give the amount agreed."))],
                       description=_l("For example 3600 or 3600.50."))
    pay_by = PlainDateField(_l("To be paid by"), validators=[InputRequired(_l("Give the day it will be paid by."))])
    how = RadioField(_l("How it will be paid"), choices=enum_choices(PaidHow),
                     validators=[InputRequired(_l("Choose how it will be paid."))])
    terms = _text(_l("Other terms of the agreement (the parent reads this)"), None, required=False)

    def validate_amount(self, field) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("The amount must be more than zero."))


class EndForm(FlaskForm):
    ended_on = PlainDateField(_l("Day mediation ended"),
                              validators=[InputRequired(_l("Give the day mediation ended."))])
    why = RadioField(_l("Why it ended without an agreement"), choices=enum_choices(EndReason),
                     validators=[InputRequired(_l("Choose why mediation ended."))])
    account = _text(_l("What happened (the parent reads this)"), _l("Say what happened."))


class ReportForm(FlaskForm):
    category = SelectField(_l("The violation the dispute revealed"),
                           choices=[SelectChoice(c.value, c.label) for c in REPORTABLE],
                           validators=[InputRequired(_l("Choose the violation."))])
    facts = TextAreaField(_l("Facts of the suspected violation"), filters=[clean_text],
                          validators=[InputRequired(_l("Write the facts.")),
                                      Length(min=FACTS_MIN, message=_l("Please write at least %(min)d characters.")),
                                      Length(max=TEXT_MAX, message=TOO_LONG)],
                          description=_l("For example: fees were paid into the manager's personal account, not the "
                                         "supervised account. The new case does not carry the parent's identity."))


class PaymentForm(FlaskForm):
    arrived = RadioField(_l("Did the money agreed arrive?"), choices=[
        SelectChoice(ARRIVED, _l("Yes, the money arrived")),
        SelectChoice(NOT_ARRIVED, _l("No, it did not arrive"))],
        validators=[InputRequired(_l("Choose whether the money arrived."))])


class MediationRatingForm(FlaskForm):
    rating = RadioField(_l("How satisfied are you with the mediation?"), choices=enum_choices(Rating),
                        validators=[InputRequired(_l("Choose a rating."))])
