"""Forms of the blacklist: the public search, the staff proposal, a step on an entry, an import."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.blacklist.models import BlacklistReason
from portal.forms import TOO_LONG, PlainDateField, clean_text, enum_choices
from portal.i18n import _l
from portal.identifiers import InvalidIdentifier, normalise_uscc
from portal.institutions.models import InstitutionKind
from portal.regions.forms import RegionField

TEXT_MAX = 5000
CHOOSE = _l("Choose")
MAX_QUERY_LENGTH = 100


class BlacklistSearchForm(FlaskForm):
    """Name fragment or USCC; area, reason, and whether removed entries are shown (a GET form)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or unified social credit code"), validators=[Optional()],
                    filters=[lambda value: clean_text(value)[:MAX_QUERY_LENGTH]],
                    description=_l("Any part of a name is enough, even one character."))
    region = RegionField(_l("Area"), validators=[Optional()],
                         description=_l("A province, city or district name, or its six-digit code."))
    reason = SelectField(_l("Reason for listing"), validators=[Optional()],
                         choices=enum_choices(BlacklistReason, blank=_l("All reasons")))
    removed = BooleanField(_l("Also show entries that have been removed"))


def _uscc(form, field) -> None:
    """A USCC that passes the GB 32100 check; the national "no code" placeholder means none."""
    try:
        field.data = normalise_uscc(field.data)
    except InvalidIdentifier:
        raise ValidationError(_l("This is not a valid unified social credit code (18 characters, check "
                                 "character last).")) from None


class ProposalForm(FlaskForm):
    """An institution from the registry, or an unregistered operator by name and address."""

    region = SelectField(_l("District or county"), validators=[DataRequired(_l("Choose the district or county."))])
    institution = StringField(
        _l("Institution in the registry (optional)"), filters=[clean_text], validators=[Length(max=200)],
        description=_l("Its unified social credit code or its exact name. Leave empty for an operator that "
                       "is not in the registry, and give its name and address below."))
    name = StringField(_l("Name of the institution or operator"), filters=[clean_text],
                       validators=[Length(max=200)],
                       description=_l("Taken from the registry when left empty and an institution is given."))
    uscc = StringField(_l("Unified social credit code (if any)"), filters=[clean_text], validators=[_uscc])
    address = StringField(_l("Address"), filters=[clean_text], validators=[Length(max=300)],
                          description=_l("Needed for an operator without a unified social credit code."))
    training_type = SelectField(_l("Training type"), choices=enum_choices(InstitutionKind, CHOOSE),
                                validators=[DataRequired(_l("Choose the training type."))])
    reason = SelectField(_l("Reason for listing"), choices=enum_choices(BlacklistReason, CHOOSE),
                         validators=[DataRequired(_l("Choose the reason."))])
    facts = TextAreaField(_l("Facts of the violation"), filters=[clean_text],
                          validators=[DataRequired(_l("Describe the facts.")), Length(max=TEXT_MAX, message=TOO_LONG)])
    authority_name = StringField(_l("Authority that decided the listing"), filters=[clean_text],
                                 validators=[DataRequired(_l("Name the deciding authority.")), Length(max=200)])
    decision_numbers = StringField(_l("Linked penalty decision numbers (optional)"), filters=[clean_text],
                                   validators=[Length(max=500)],
                                   description=_l("Separate several with commas, for example 杭西教罚〔2026〕1号."))
    outcome = TextAreaField(_l("Outcome (optional)"), filters=[clean_text],
                            validators=[Length(max=TEXT_MAX, message=TOO_LONG)],
                            description=_l("For example: ordered to stop training and refund fees."))
    batch = StringField(_l("Batch (optional)"), filters=[clean_text], validators=[Length(max=100)],
                        description=_l("The published list this entry belongs to, for example 2026年第一批."))
    cutoff_date = PlainDateField(_l("Cut-off date (optional)"), validators=[Optional()],
                                 description=_l("The date the batch's facts were checked up to."))

    def __init__(self, *args, counties=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = [SelectChoice("", CHOOSE)] + [SelectChoice(c.code, c.path_zh) for c in counties]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = {}
        if not self.name.data and not self.institution.data:
            problems[self.name] = _l("Give the name, or the institution in the registry.")
        if not self.institution.data and not self.uscc.data and not self.address.data and not self.uscc.errors:
            problems[self.address] = _l("Give the address of an operator without a unified social credit code.")
        for target, message in problems.items():
            if not target.errors:
                target.errors = [message]
        return valid and not problems


class StepForm(FlaskForm):
    """One step on an entry as the page showed it: a changed state means the page is out of date."""

    state = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Reason"), filters=[clean_text], validators=[Length(max=TEXT_MAX, message=TOO_LONG)])
    defence_until = PlainDateField(_l("Last day of the defence period"), validators=[Optional()],
                                   description=_l("Leave empty for 5 working days from today."))
    valid_until = PlainDateField(_l("Last day of the listing's validity"), validators=[Optional()],
                                 description=_l("After this day the entry comes up for review. Leave empty for no "
                                                "validity period."))


class ObjectionForm(FlaskForm):
    """An objection (异议) received from the listed party."""

    received_on = PlainDateField(_l("Day the objection was received"),
                                 validators=[InputRequired(_l("Give the day the objection was received."))])
    summary = TextAreaField(_l("What the party objects to"), filters=[clean_text],
                            validators=[DataRequired(_l("Say what the party objects to.")),
                                        Length(max=5000, message=TOO_LONG)])


class AnswerForm(FlaskForm):
    """The bureau's written answer to an objection."""

    answer = TextAreaField(_l("Written answer"), filters=[clean_text],
                           validators=[DataRequired(_l("Write the answer.")), Length(max=5000, message=TOO_LONG)])
