"""The staff form recording a credit-repair application and its decision."""
from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectChoice, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.forms import TOO_LONG, PlainDateField, StateForm, clean_text
from portal.i18n import _l

TEXT_MAX = 5000
REPAIR_CHOICES = [SelectChoice("approve", _l("Approved: publication ends today")),
                  SelectChoice("refuse", _l("Refused"))]


class RepairForm(StateForm):
    applied_on = PlainDateField(_l("Date of the credit-repair application"),
                                validators=[InputRequired(_l("Give the date the party applied."))])
    performed = BooleanField(_l("The party has performed the penalty (paid the fine, carried out the order)"))
    effects_removed = BooleanField(_l("The party has removed the effects of the violation (refunds made, "
                                      "rectification accepted)"))
    decision = RadioField(_l("Decision"), choices=REPAIR_CHOICES,
                          validators=[InputRequired(_l("Approve or refuse the application."))])
    note = TextAreaField(_l("Note"), filters=[clean_text], validators=[Length(max=TEXT_MAX, message=TOO_LONG)],
                         description=_l("Needed for a refusal: the reason."))

    def validate_note(self, field) -> None:
        if self.decision.data == "refuse" and not field.data:
            raise ValidationError(_l("Give the reason for the refusal."))
