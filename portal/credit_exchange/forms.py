"""The export's filter: a range of days, the kinds of record and the file format (a GET form)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, ValidationError
from wtforms.validators import DataRequired, InputRequired

from portal import clock
from portal.forms import PlainDateField
from portal.i18n import _l

MAX_DAYS = 366
KIND_CHOICES = [SelectChoice("all", _l("All records")), SelectChoice("publication", _l("Publications")),
                SelectChoice("withdrawal", _l("Withdrawals")),
                SelectChoice("repair", _l("Ended early by credit repair"))]


class ExportForm(FlaskForm):
    """What to export: the days the records happened on, their kind, CSV or XLSX."""

    class Meta:
        csrf = False

    date_from = PlainDateField(_l("From"), validators=[InputRequired(_l("Enter the first day."))],
                               description=_l("For example 2026-01-01."))
    date_to = PlainDateField(_l("To"), validators=[InputRequired(_l("Enter the last day."))],
                             description=_l("For example 2026-12-31. At most 366 days after the first day."))
    status = SelectField(_l("Kind of record"), choices=KIND_CHOICES, default="all",
                         validators=[DataRequired(_l("Choose the records."))])
    file_format = RadioField(_l("File format"), default="csv",
                             choices=[SelectChoice("csv", "CSV"), SelectChoice("xlsx", "XLSX (Excel)")],
                             validators=[DataRequired(_l("Choose the file format."))])

    def validate_date_to(self, field: PlainDateField) -> None:
        if field.data is None or self.date_from.data is None:
            return
        if field.data < self.date_from.data:
            raise ValidationError(_l("This date is before the first one."))
        if (field.data - self.date_from.data).days >= MAX_DAYS:
            raise ValidationError(_l("Export at most 366 days at a time."))

    def validate_date_from(self, field: PlainDateField) -> None:
        if field.data is not None and field.data > clock.today():
            raise ValidationError(_l("The first day cannot be in the future."))

    @property
    def kinds(self) -> tuple[str, ...]:
        from portal.credit_exchange.service import KINDS

        return KINDS if self.status.data == "all" else (self.status.data,)
