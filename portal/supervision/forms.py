"""Forms of the staff's appointment and inbox pages (the workspace's are in portal.observations)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal.casework.models import Category
from portal.forms import PlainDateField, clean_text, enum_choices
from portal.i18n import _l, _lp
from portal.observations.forms import TEXT_MAX, TEXT_MIN
from portal.regions.forms import RegionField
from portal.regions.models import RegionLevel
from portal.supervisors import service
from portal.supervisors.models import AssessmentResult

DATE_HINT = _l("Enter the date as year-month-day, for example 2026-11-01.")


def county_field(label, description) -> RegionField:
    return RegionField(label, levels=[RegionLevel.COUNTY], description=description)


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
                                                  SelectChoice("reject", _lp("appointment decision", "Not appointed"))],
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
