"""The registry search form (a GET form, so no CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional

from portal.forms import clean_text, enum_choices
from portal.i18n import _l
from portal.institutions.models import InstitutionKind
from portal.institutions.service import MAX_QUERY_LENGTH
from portal.regions.forms import RegionField


class InstitutionSearchForm(FlaskForm):
    """Name or USCC, area, kind of training, and whitelisted only."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or unified social credit code"),
        validators=[Optional()],
        filters=[lambda value: clean_text(value)[:MAX_QUERY_LENGTH]],
        description=_l("Any part of the name is enough, even one character; or the start of the code."),
    )
    region = RegionField(_l("Area"), validators=[Optional()],
                         description=_l("A province, city or district name, or its six-digit code."))
    kind = SelectField(_l("Kind of training"), validators=[Optional()],
                       choices=enum_choices(InstitutionKind, blank=_l("All kinds")))
    whitelisted = BooleanField(_l("Whitelisted institutions only"))
