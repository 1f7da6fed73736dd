"""The upload form for a published list."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from portal.i18n import _l
from portal.text import clean_text


class ImportForm(FlaskForm):
    """A published list as XLSX or CSV, with its batch name."""

    file = FileField(_l("List file (XLSX or CSV)"),
                     validators=[FileRequired(_l("Choose the file.")),
                                 FileAllowed(["xlsx", "csv"], _l("Choose an XLSX or CSV file."))])
    batch = StringField(_l("Batch"), filters=[clean_text],
                        validators=[DataRequired(_l("Give the batch name.")), Length(max=100)],
                        description=_l("As published, for example 2026年第一批."))
    skip_invalid = BooleanField(_l("Import the valid rows and skip rows with errors"))
