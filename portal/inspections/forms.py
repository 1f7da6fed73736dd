"""Forms for random inspections in the back office: an item of the list, a new draw, and the
steps on a draw (commit, draw, recusal, a result, publication)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from portal import clock
from portal.forms import TOO_LONG, CheckboxesField, PlainDateField, clean_text, enum_choices
from portal.i18n import _l
from portal.inspections.models import Method, Outcome
from portal.institutions.models import InstitutionKind, LicenceStatus

TEXT_MAX = 2000
MAX_INSPECTORS_PER_TARGET = 5


class ItemForm(FlaskForm):
    """One line of the inspection item list."""

    name = StringField(_l("Inspection item"), filters=[clean_text],
                       validators=[DataRequired(_l("Name the item.")), Length(max=200)],
                       description=_l("What is checked, for example 消防安全."))
    legal_basis = TextAreaField(_l("Basis for the inspection"), filters=[clean_text],
                                validators=[DataRequired(_l("Give the legal basis.")),
                                            Length(max=TEXT_MAX, message=TOO_LONG)])
    ratio_percent = IntegerField(_l("Inspection ratio (%)"),
                                 validators=[InputRequired(_l("Give the ratio as a whole percentage.")),
                                             NumberRange(1, 100, _l("Give a percentage from 1 to 100."))],
                                 description=_l("The share of institutions inspected each round."))
    frequency = StringField(_l("Frequency"), filters=[clean_text],
                            validators=[DataRequired(_l("Say how often, for example twice a year.")),
                                        Length(max=100)])
    method = SelectField(_l("Method"), choices=enum_choices(Method, _l("Choose")),
                         validators=[DataRequired(_l("Choose how it is inspected."))])
    active = BooleanField(_l("In use (untick to retire the item; it stays on past draws)"), default=True)


class DrawForm(FlaskForm):
    """A new draw: what is inspected, how many, by how many, and among which institutions."""

    title = StringField(_l("Title"), filters=[clean_text],
                        validators=[DataRequired(_l("Give the draw a title.")), Length(max=200)],
                        description=_l("For example 2026年第四季度校外培训机构双随机抽查."))
    items = CheckboxesField(_l("Inspection items"), coerce=int,
                            validators=[DataRequired(_l("Choose at least one inspection item."))])
    ratio_percent = IntegerField(_l("Ratio of institutions drawn (%)"),
                                 validators=[InputRequired(_l("Give the ratio as a whole percentage.")),
                                             NumberRange(1, 100, _l("Give a percentage from 1 to 100."))],
                                 description=_l("Rounded up: 10%, applied to 15 institutions, draws 2."))
    inspectors_per_target = IntegerField(
        _l("Inspectors per institution"), default=2,
        validators=[InputRequired(_l("Give the number of inspectors per institution.")),
                    NumberRange(2, MAX_INSPECTORS_PER_TARGET, _l("At least 2 and at most %(max)d inspectors."))],
        description=_l("At least two enforcement officers inspect each institution."))
    weighting = BooleanField(
        _l("Draw institutions with complaints or penalties in the last year more often"),
        description=_l("Weight = 1 + complaints + 2 × penalty decisions of the last 365 days, + 2 for an "
                       "institution flagged for refusing refunds or breaking refund agreements; at most 5."))
    county = SelectField(_l("District or county"), validate_choice=False)
    kind = SelectField(_l("Kind of training"), choices=enum_choices(InstitutionKind, _l("All kinds")))
    licence_status = SelectField(_l("Licence status"), choices=enum_choices(LicenceStatus, _l("Any status")))
    observers = CheckboxesField(_l("Social supervisors invited to observe (optional)"), coerce=int)

    def __init__(self, *args, items=(), counties=(), supervisors=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items.choices = [(item.id, item.name) for item in items]
        self.county.choices = [SelectChoice("", _l("The whole jurisdiction"))] + [
            SelectChoice(c.code, c.path_zh) for c in counties]
        self.observers.choices = [(u.id, u.display_name) for u in supervisors]

    def validate_county(self, field) -> None:
        if field.data and field.data not in {choice[0] for choice in self.county.choices}:
            raise ValidationError(_l("Choose a district or county of your jurisdiction."))


class StateForm(FlaskForm):
    """A step on the page as it was shown: a changed state means the page is out of date."""

    state = HiddenField(validators=[DataRequired()])


class CommitForm(StateForm):
    """The public value the draw will wait for: named at the commitment, published on a later day."""

    public_value_source = StringField(
        _l("Public value the draw will use"), filters=[clean_text],
        validators=[DataRequired(_l("Name the public value, for example a lottery draw's official numbers.")),
                    Length(max=200, message=TOO_LONG)],
        description=_l("Something anyone can look up that nobody knows yet, for example "
                       "“中国福利彩票双色球第2026143期开奖号码”. The draw mixes it with the sealed seed, so "
                       "nobody, not even whoever holds the database, can know the draw before it exists."))
    public_value_date = PlainDateField(
        _l("Day it is published"), validators=[InputRequired(_l("Give the day the value is published."))],
        description=_l("A day after today. The draw can be made from that day on."))

    def validate_public_value_date(self, field) -> None:
        if field.data is not None and field.data <= clock.today():
            raise ValidationError(_l("Choose a day after today: the value must not exist yet."))


class RevealForm(StateForm):
    """The public value named at the commitment, as its source published it."""

    public_value = StringField(_l("The public value, as published"), filters=[clean_text],
                               validators=[Length(max=200, message=TOO_LONG)],
                               description=_l("Copy it exactly from the official source; anyone can check it."))


class RecusalForm(StateForm):
    pair = SelectField(_l("Institution and inspector"), validate_choice=False,
                       validators=[DataRequired(_l("Choose the institution and the inspector who stands down."))])
    reason = TextAreaField(_l("Reason for the recusal (kept in the back office)"), filters=[clean_text],
                           validators=[DataRequired(_l("Give the conflict of interest.")),
                                       Length(max=TEXT_MAX, message=TOO_LONG)])


class ResultForm(StateForm):
    outcome = RadioField(_l("Result"), choices=enum_choices(Outcome),
                         validators=[InputRequired(_l("Choose the result."))])
    note = TextAreaField(_l("Note (published)"), filters=[clean_text],
                         validators=[Length(max=TEXT_MAX, message=TOO_LONG)],
                         description=_l("Needed unless no problem was found: what was found and ordered."))
    case_number = StringField(_l("Case number (when a case was opened; optional)"), filters=[clean_text],
                              validators=[Length(max=30)])

    def validate_note(self, field) -> None:
        if self.outcome.data and self.outcome.data != Outcome.NO_PROBLEM.value and not field.data:
            raise ValidationError(_l("Say what was found."))

    def validate_case_number(self, field) -> None:
        if field.data and self.outcome.data != Outcome.CASE_OPENED.value:
            raise ValidationError(_l("A case number goes with the result Case opened."))
