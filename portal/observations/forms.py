"""Forms of the supervisors' workspace: a patrol record, a lead or an opinion, and its photos."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import Length, Optional

from portal.casework.models import Category
from portal.forms import PlainDateField, clean_text, enum_choices
from portal.i18n import _l, current_locale
from portal.institutions import service as institutions
from portal.institutions.models import Institution
from portal.observations.models import CheckItem, CheckResult, Kind
from portal.regions.forms import RegionField
from portal.regions.models import RegionLevel

TEXT_MIN, TEXT_MAX = 20, 5000


class AreaCountyField(RegionField):
    """A county of the supervisor's area (`area`, a code prefix): of several places that match,
    only those inside the area are offered, so 西湖区 means the one of the supervisor's city.
    The service refuses a place outside the area; this only narrows the choice."""

    area = ""

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            inside = [r for r in self.candidates if self.area and r.code.startswith(self.area)]
            if len(inside) != 1:
                self.candidates = inside or self.candidates
                raise
            self.region, self.candidates = inside[0], []
            self.data = self.region.path(current_locale())


class ObservationForm(FlaskForm):
    """One form for the three kinds; the template shows the fields of the kind, and `complete`
    checks what a submission (rather than a draft) needs."""

    institution_query = StringField(_l("Institution name or unified social credit code"), filters=[clean_text],
                                    validators=[Length(max=100)],
                                    description=_l("Type part of the name to find it in the registry."))
    institution_id = HiddenField()
    not_listed = BooleanField(_l("It is not in the registry"))
    institution_name = StringField(_l("Name the institution uses"), filters=[clean_text],
                                   validators=[Length(max=200)])
    region = AreaCountyField(_l("District or county"), levels=[RegionLevel.COUNTY],
                             description=_l("For example 西湖区 or 330106."))
    observed_on = PlainDateField(_l("Date"), validators=[Optional()])
    observed_time = TimeField(_l("Time"), validators=[Optional()], description=_l("For example 18:30."))
    place = StringField(_l("Place"), filters=[clean_text], validators=[Length(max=300)],
                        description=_l("Street, building and room."))
    category = SelectField(_l("Kind of problem"), choices=enum_choices(Category, blank=_l("Choose…")),
                           validators=[Optional()])
    body = TextAreaField(_l("Findings"), filters=[clean_text], validators=[Length(max=TEXT_MAX)])
    needs_case = BooleanField(_l("This needs a case: ask the bureau to open one"))
    photos = MultipleFileField(_l("Photos (optional)"),
                               description=_l("Up to 5 photos or PDF files (JPEG, PNG, WebP, PDF), 10 MB each. "
                                              "Location and camera details are removed."))

    def __init__(self, *args, kind: Kind, area: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.region.area = area
        self.institution: Institution | None = None
        self.candidates: list[Institution] = []
        if kind is Kind.LEAD:
            self.body.label.text = _l("What you found")
            self.body.description = _l("What the institution does, when, who is affected. At least 20 characters.")
        elif kind is Kind.OPINION:
            self.body.label.text = _l("Your opinion or suggestion")

    @property
    def check_fields(self) -> dict:
        return {item: getattr(self, f"check_{item.value}") for item in CheckItem}

    def resolve_institution(self) -> None:
        """The registry's institution, candidates to choose from, or a name typed by hand."""
        chosen = self.institution_id.data or ""
        if chosen.isascii() and chosen.isdigit():
            try:
                self.institution = institutions.get(int(chosen))
                return
            except institutions.InstitutionNotFound:
                pass
        if not self.not_listed.data and self.institution_query.data:
            self.institution, self.candidates = institutions.resolve(self.institution_query.data)
            if self.candidates:
                self.institution_query.errors = [_l("Several institutions match. Choose one below, or tick "
                                                    "the box if it is not listed.")]
            elif self.institution is None:
                self.institution_query.errors = [_l("No registered institution matches. Check the name, or "
                                                    "tick the box below.")]

    def complete(self) -> bool:
        """What a submission needs beyond a draft; errors beside the fields."""
        missing = {}
        if self.kind is not Kind.OPINION:
            if self.institution is None and not (self.not_listed.data and self.institution_name.data):
                missing[self.institution_query] = _l("Tell us which institution this is about.")
            if not self.observed_on.data:
                missing[self.observed_on] = _l("Enter the date.")
            if self.institution is None and not self.region.region:
                missing[self.region] = _l("Choose the district or county.")
        if self.kind is Kind.PATROL:
            if not self.observed_time.data:
                missing[self.observed_time] = _l("Enter the time.")
            if not self.place.data:
                missing[self.place] = _l("Enter where you were.")
            for item, check in self.check_fields.items():
                if not check.data:
                    missing[check] = _l("Choose one.")
        if self.kind is Kind.LEAD and not self.category.data:
            missing[self.category] = _l("Choose the kind of problem.")
        if len(self.body.data or "") < TEXT_MIN:
            missing[self.body] = _l("Write at least %(min)d characters.", min=TEXT_MIN)
        for f, message in missing.items():
            if not f.errors:
                f.errors = list(f.errors) + [message]
        return not missing


for _item in CheckItem:
    setattr(ObservationForm, f"check_{_item.value}",
            RadioField(_item.label, choices=enum_choices(CheckResult), validators=[Optional()]))


class RemovePhotoForm(FlaskForm):
    """Taking a photo off a draft: only the CSRF token."""
