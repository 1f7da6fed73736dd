"""The form of one line of the discretion benchmark."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.casework.models import Category
from portal.discretion.models import Circumstance, Level, PenaltyCategory
from portal.forms import TOO_LONG, CheckboxesField, YuanField, clean_text, enum_choices
from portal.i18n import _l

TEXT_MAX = 5000
CHOOSE = _l("Choose")


def _required(message):
    return [DataRequired(message)]


class RuleForm(FlaskForm):
    """One line of the discretion benchmark."""

    violation = SelectField(_l("Violation type"), choices=enum_choices(Category, CHOOSE),
                            validators=_required(_l("Choose the violation type.")))
    circumstance = SelectField(_l("Circumstances"), choices=enum_choices(Circumstance, CHOOSE),
                               validators=_required(_l("Choose the circumstances.")))
    matter = StringField(_l("Enforcement matter"), filters=[clean_text],
                         validators=_required(_l("Name the enforcement matter.")) + [Length(max=200)])
    criteria = TextAreaField(_l("When this line applies (optional)"), filters=[clean_text],
                             validators=[Length(max=TEXT_MAX, message=TOO_LONG)])
    legal_basis = TextAreaField(_l("Legal basis"), filters=[clean_text],
                                validators=_required(_l("Give the legal basis.")) + [Length(max=TEXT_MAX,
                                                                                           message=TOO_LONG)])
    level = SelectField(_l("Responsible level"), choices=enum_choices(Level, CHOOSE),
                        validators=_required(_l("Choose the responsible level.")))
    penalties = CheckboxesField(_l("Penalty categories allowed"), choices=enum_choices(PenaltyCategory),
                                validators=_required(_l("Choose at least one penalty category.")))
    fine_min = YuanField(_l("Lowest fine (yuan, optional)"))
    fine_max = YuanField(_l("Highest fine (yuan, optional)"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        fines = self.fine_min.data is not None or self.fine_max.data is not None
        if fines and PenaltyCategory.FINE.value not in (self.penalties.data or []) and not self.fine_min.errors:
            self.fine_min.errors = [_l("A fine range needs the penalty category Fine.")]
            return False
        if (self.fine_min.data is not None and self.fine_max.data is not None
                and self.fine_min.data > self.fine_max.data and not self.fine_max.errors):
            self.fine_max.errors = [_l("The highest fine cannot be lower than the lowest.")]
            return False
        return valid


class ImportForm(FlaskForm):
    """A CSV file of benchmark lines, checked first (dry run)."""

    file = FileField(_l("Benchmark file (CSV)"), validators=[FileRequired(_l("Choose the file.")),
                                                             FileAllowed(["csv"], _l("Choose a CSV file."))])


class ApplyForm(FlaskForm):
    """The file checked, carried back to be imported (checked again on the server)."""

    content = HiddenField()
    filename = HiddenField()


class RemoveForm(FlaskForm):
    """Remove a province's own line (the national one applies again): the form token only."""
