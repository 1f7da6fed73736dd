"""The staff form recording a credit-repair decision, and the party's public application and tracking forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length

from portal.forms import TOO_LONG, PlainDateField, StateForm, clean_text
from portal.i18n import _l, _lp
from portal.identifiers import InvalidIdentifier, normalise_uscc

TEXT_MAX = 5000
REPAIR_CHOICES = [SelectChoice("approve", _l("Approved: publication ends today")),
                  SelectChoice("refuse", _lp("credit repair decision", "Refused"))]


class RepairForm(StateForm):
    application = HiddenField()  # the online application decided, if any
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


def _uscc(form, field) -> None:
    try:
        field.data = normalise_uscc(field.data or "")
    except InvalidIdentifier:
        raise ValidationError(_l("This is not a valid unified social credit code (18 characters, check "
                                 "character last).")) from None


class ApplicationForm(FlaskForm):
    """A penalised party's credit-repair application (public)."""

    decision_number = StringField(_l("Decision number"), filters=[clean_text],
                                  validators=[DataRequired(_l("Give the decision number.")), Length(max=100)],
                                  description=_l("As on the penalty decision, for example 杭西教罚〔2026〕3号."))
    uscc = StringField(_l("Unified social credit code"), filters=[clean_text],
                       validators=[DataRequired(_l("Give your unified social credit code.")), _uscc])
    statement = TextAreaField(
        _l("How you performed the penalty and removed its effects"), filters=[clean_text],
        validators=[DataRequired(_l("Say how you performed the penalty and removed its effects.")),
                    Length(max=TEXT_MAX, message=TOO_LONG)],
        description=_l("For example: the fine paid on which day, the fees refunded, the rectification accepted."))
    files = MultipleFileField(
        _l("Proof (optional)"),
        description=_l("Up to 5 photos or PDF files (JPEG, PNG, WebP, PDF), 10 MB each: receipts, "
                       "rectification reports."))


class TrackForm(FlaskForm):
    code = StringField(_l("Receipt code"), filters=[clean_text],
                       validators=[DataRequired(_l("Give the receipt code."))],
                       description=_l("The 16 characters you received when you applied."))
