"""The form staff use to register a complaint that came by phone, letter, visit or the 12345 hotline."""
from __future__ import annotations

from wtforms import RadioField, SelectChoice, ValidationError
from wtforms.validators import InputRequired

from portal import clock
from portal.casework.models import Source
from portal.forms import PlainDateField
from portal.i18n import _l
from portal.intake.complaint_form import ComplaintForm

STAFF_SOURCES = [SelectChoice(source.value, source.label)
                 for source in (Source.PHONE, Source.LETTER, Source.VISIT, Source.HOTLINE_12345, Source.OTHER_OFFICE)]
# Received more than a year ago would be a data-entry slip, not a late registration.
OLDEST_RECEIPT_DAYS = 365


class RegisterForm(ComplaintForm):
    """The public form's fields and rules, with how and when the complaint arrived."""

    source = RadioField(_l("How did the complaint arrive?"), choices=STAFF_SOURCES,
                        validators=[InputRequired(_l("Choose how the complaint arrived."))])
    received_on = PlainDateField(
        _l("Date received"), validators=[InputRequired(_l("Give the date the complaint was received."))],
        description=_l("The time limits run from this date."))

    def validate_received_on(self, field) -> None:
        today = clock.today()
        if field.data > today:
            raise ValidationError(_l("The date received cannot be in the future."))
        if (today - field.data).days > OLDEST_RECEIPT_DAYS:
            raise ValidationError(_l("The date received is more than a year ago. Check the date."))
