"""Forms of the supervisors' workspace and of the staff's appointment and inbox pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, MultipleFileField, RadioField,
                     SelectChoice, SelectField, StringField, TextAreaField, TimeField, ValidationError)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.complaints.models import Category
from portal.forms import clean_text, enum_choices
from portal.i18n import _l, current_locale
from portal.institutions import service as institutions
from portal.institutions.models import Institution
from portal.regions.forms import RegionField
from portal.regions.models import RegionLevel
from portal.supervisors import service
from portal.supervisors.models import AssessmentResult, CheckItem, CheckResult, Kind

TEXT_MIN, TEXT_MAX = 20, 5000
DATE_HINT = _l("Enter the date as year-month-day, for example 2026-11-01.")


class PlainDateField(DateField):
    """A date field whose complaint about a bad date says how to write one."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(DATE_HINT)) from exc


def county_field(label, description) -> RegionField:
    return RegionField(label, levels=[RegionLevel.COUNTY], description=description)


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


# ---- Staff: appointment ----------------------------------------------------------------------------

class CandidateForm(FlaskForm):
    name = StringField(_l("Name"), filters=[clean_text], validators=[DataRequired(_l("Enter the name.")),
                                                                     Length(max=50)])
    organisation = StringField(_l("Organisation"), filters=[clean_text],
                               validators=[DataRequired(_l("Enter where the candidate works.")), Length(max=200)],
                               description=_l("Employer or association, for example a parents' committee."))
    occupation = StringField(_l("Occupation"), filters=[clean_text],
                             validators=[DataRequired(_l("Enter the occupation.")), Length(max=100)])
    region = county_field(_l("District or county"), _l("Where the supervisor will serve, for example 西湖区."))
    contact = StringField(_l("Contact (staff only)"), filters=[clean_text],
                          validators=[DataRequired(_l("Enter a telephone number or address.")), Length(max=200)],
                          description=_l("Never published."))

    def validate_region(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the district or county."))


class PublishForm(FlaskForm):
    days = IntegerField(_l("Days open for objections"), default=service.NOTICE_DAYS_DEFAULT,
                        validators=[InputRequired(_l("Enter the number of days.")),
                                    NumberRange(*service.NOTICE_DAYS,
                                                message=_l("Between %(min)s and %(max)s days."))],
                        description=_l("The candidate is listed publicly from today; objections are taken "
                                       "in writing until the last day."))


class ObjectionForm(FlaskForm):
    received_on = PlainDateField(_l("Received on"), validators=[InputRequired(DATE_HINT)])
    summary = TextAreaField(_l("What the objection says"), filters=[clean_text],
                            validators=[DataRequired(_l("Summarise the objection.")), Length(max=2000)])


class DecisionForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=[SelectChoice("clear", _l("Cleared: appoint the candidate")),
                                                  SelectChoice("reject", _l("Not appointed"))],
                         validators=[InputRequired(_l("Choose the decision."))])
    note = TextAreaField(_l("Reasons"), filters=[clean_text], validators=[Length(max=2000)],
                         description=_l("Required when the candidate is not appointed, or when objections "
                                        "were received."))


class AppointForm(FlaskForm):
    term_start = PlainDateField(_l("Term starts"), validators=[InputRequired(DATE_HINT)])
    term_end = PlainDateField(_l("Term ends (last day)"), validators=[InputRequired(DATE_HINT)],
                              description=_l("A term is 2 to 3 years."))
    certificate_number = StringField(_l("Certificate number"), filters=[clean_text],
                                     validators=[DataRequired(_l("Enter the certificate number.")),
                                                 Length(max=40)],
                                     description=_l("As printed on the supervisor's certificate, for example "
                                                    "杭教监字〔2026〕第001号."))
    username = StringField(_l("Username for the workspace"), filters=[lambda v: clean_text(v).lower()],
                           validators=[DataRequired(_l("Choose a username.")), Length(max=40)],
                           description=_l("3–40 lower-case letters, digits, dots, dashes or underscores."))


class DismissForm(FlaskForm):
    reason = TextAreaField(_l("Reason for dismissal"), filters=[clean_text],
                           validators=[DataRequired(_l("Give the reason; it is kept in the audit trail.")),
                                       Length(max=2000)])


class AssessmentForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Enter the year.")), NumberRange(2000, 2100)])
    result = RadioField(_l("Result"), choices=enum_choices(AssessmentResult),
                        validators=[InputRequired(_l("Choose the result."))])
    comment = TextAreaField(_l("Comment"), filters=[clean_text], validators=[Length(max=2000)],
                            description=_l("Required for “not competent”."))


# ---- Staff: answering submissions -------------------------------------------------------------------

class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Written reply"), filters=[clean_text],
                          validators=[DataRequired(_l("Write the reply.")), Length(max=TEXT_MAX)],
                          description=_l("The supervisor reads it in their workspace."))


class OpenCaseForm(FlaskForm):
    category = SelectField(_l("Kind of problem"), choices=enum_choices(Category, blank=_l("Choose…")),
                           validators=[DataRequired(_l("Choose the kind of problem."))])
    description = TextAreaField(_l("What the case is about"), filters=[clean_text],
                                validators=[DataRequired(_l("Describe the finding.")),
                                            Length(min=TEXT_MIN, max=TEXT_MAX,
                                                   message=_l("Between %(min)d and %(max)d characters."))])


# ---- The workspace ------------------------------------------------------------------------------------

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
