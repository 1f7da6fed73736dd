"""Forms of the register: a new entry, the exact check, an early end, a blacklist entry's link."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.forms import TOO_LONG, PlainDateField, clean_text, enum_choices
from portal.i18n import _l
from portal.practitioners import documents
from portal.practitioners.models import DocumentType

NUMBER_MAX = 40
REASON_MAX = 2000
DECISION_MAX = 100


def _number(form, field) -> None:
    """The number must be one of the chosen document type (a resident ID passes GB 11643)."""
    try:
        kind = DocumentType(form.document_type.data)
    except ValueError:
        return  # the select reports it
    try:
        documents.clean_number(kind, field.data or "")
    except documents.InvalidNumber:
        if kind is DocumentType.RESIDENT_ID:
            raise ValidationError(_l("This is not a valid resident ID number: 18 characters, a real birth date "
                                     "and the right check character last.")) from None
        raise ValidationError(_l("Give the document number as printed: 5 to 20 letters and digits.")) from None


class PersonFields(FlaskForm):
    """Who: the exact name and the identity document."""

    name = StringField(_l("Full name"), filters=[clean_text],
                       validators=[InputRequired(_l("Give the person's full name.")),
                                   Length(max=documents.NAME_MAX, message=TOO_LONG)],
                       description=_l("Exactly as on the identity document."))
    document_type = SelectField(_l("Identity document"), choices=enum_choices(DocumentType),
                                default=DocumentType.RESIDENT_ID.value,
                                validators=[DataRequired(_l("Choose the identity document."))])
    number = StringField(_l("Document number"), validators=[
        InputRequired(_l("Give the document number.")), Length(max=NUMBER_MAX, message=TOO_LONG), _number],
        description=_l("Never stored or shown in full: the register keeps a keyed hash and a masked form."),
        render_kw={"autocomplete": "off", "spellcheck": "false"})


class BanForm(PersonFields):
    """A person barred by a published penalty decision of the jurisdiction."""

    decision_number = StringField(
        _l("Penalty decision number"), filters=[clean_text],
        validators=[InputRequired(_l("Give the number of the penalty decision.")),
                    Length(max=DECISION_MAX, message=TOO_LONG)],
        description=_l("A published decision of your jurisdiction that includes an occupational ban (限制从业)."))
    lifelong = BooleanField(_l("Lifelong ban (终身禁入): no end date"))
    starts_on = PlainDateField(_l("Ban in force from"),
                               validators=[InputRequired(_l("Give the first day of the ban."))])
    ends_on = PlainDateField(_l("Last day of the ban"), validators=[Optional()],
                             description=_l("Leave empty for a lifelong ban."))

    def validate(self, extra_validators=None) -> bool:
        """Each field, then the period: a lifelong ban has no end, another ends on or after it starts."""
        valid = super().validate(extra_validators)
        if self.lifelong.data and self.ends_on.data:
            self.ends_on.errors = [*self.ends_on.errors, _l("A lifelong ban has no end date: leave this empty.")]
            return False
        if not self.lifelong.data and not self.ends_on.errors and self.ends_on.data is None:
            self.ends_on.errors = [*self.ends_on.errors, _l("Give the last day of the ban, or tick lifelong.")]
            return False
        if self.ends_on.data and self.starts_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors = [*self.ends_on.errors, _l("The ban cannot end before it begins.")]
            return False
        return valid


class CheckForm(PersonFields):
    """The exact check before someone is hired or an institution is inspected."""


class LiftForm(FlaskForm):
    """An early end of a ban: the decision revoked or changed."""

    lifted_on = PlainDateField(_l("Ban ended on"), validators=[InputRequired(_l("Give the day the ban ended."))])
    reason = TextAreaField(_l("Why the ban ended early"), filters=[clean_text],
                           validators=[InputRequired(_l("Give the reason, for example the decision that revoked it.")),
                                       Length(max=REASON_MAX, message=TOO_LONG)])


class LinkForm(FlaskForm):
    """The register entry of the banned person a blacklisted operator employed."""

    ban_id = IntegerField(_l("Register entry number"), validators=[
        InputRequired(_l("Give the number of the register entry.")),
        NumberRange(min=1, message=_l("Give the number of the register entry."))],
        description=_l("Shown on the entry's page in the register of banned practitioners, for example 12."))
