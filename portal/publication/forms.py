"""The form changing one publication period (penalty type × tier)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, ValidationError
from wtforms.validators import DataRequired, InputRequired, NumberRange

from portal.discretion.models import PenaltyCategory
from portal.forms import enum_choices
from portal.i18n import _l
from portal.publication.models import Tier
from portal.publication.periods import LONGEST_MONTHS

CHOOSE = _l("Choose")


class PeriodForm(FlaskForm):
    penalty = SelectField(_l("Penalty category"), choices=enum_choices(PenaltyCategory, CHOOSE),
                          validators=[DataRequired(_l("Choose the penalty category."))])
    tier = SelectField(_l("Publication tier"), choices=enum_choices(Tier, CHOOSE),
                       validators=[DataRequired(_l("Choose the publication tier."))])
    min_months = IntegerField(_l("Shortest period (months)"), validators=[
        InputRequired(_l("Give the shortest period in months.")),
        NumberRange(1, LONGEST_MONTHS, _l("Give between 1 and %(max)d months.", max=LONGEST_MONTHS))])
    max_months = IntegerField(_l("Longest period (months)"), validators=[
        InputRequired(_l("Give the longest period in months.")),
        NumberRange(1, LONGEST_MONTHS, _l("Give between 1 and %(max)d months.", max=LONGEST_MONTHS))])

    def validate_max_months(self, field) -> None:
        if field.data is not None and self.min_months.data is not None and field.data < self.min_months.data:
            raise ValidationError(_l("The longest period cannot be shorter than the shortest."))
