"""The statistics page's chooser."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from portal.i18n import _l, _lp


class StatsForm(FlaskForm):
    """Which county (or the whole area) and which month (a GET form)."""

    class Meta:
        csrf = False

    county = SelectField(_lp("form field", "County"), validators=[Optional()])
    month = SelectField(_l("Month"), validators=[Optional()],
                        description=_l("The charts show the twelve months up to this one."))
