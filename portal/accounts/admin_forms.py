"""Forms administrators use to manage accounts."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import AnyOf, DataRequired, Length

from portal.accounts import service
from portal.accounts.models import CERTIFIED_ROLES, Role
from portal.forms import clean_text, enum_choices
from portal.i18n import _l
from portal.regions.forms import RegionField


def notification_email(_form, field) -> None:
    """The account service's rule for notification addresses (empty means none)."""
    try:
        service.checked_email(field.data)
    except service.AccountError as exc:
        raise ValidationError(_l("Enter an email address like name@example.com.")) from exc


def email_field() -> EmailField:
    return EmailField(_l("Email for notifications (optional)"), filters=[clean_text],
                      validators=[Length(max=254), notification_email],
                      description=_l("New cases and deadline reminders are sent here. Leave it empty for none."))


class NewUserForm(FlaskForm):
    username = StringField(_l("Username"), filters=[lambda v: clean_text(v).lower()],
                           validators=[DataRequired(_l("Choose a username.")), Length(max=40)],
                           description=_l("3–40 lower-case letters, digits, dots, dashes or underscores, "
                                          "for example wang.li"))
    display_name = StringField(_l("Name"), filters=[clean_text],
                               validators=[DataRequired(_l("Enter the person's name.")), Length(max=50)])
    role = SelectField(_l("Role"), choices=enum_choices(Role))
    region = RegionField(_l("Jurisdiction"), validators=[DataRequired(_l("Choose the jurisdiction."))],
                         description=_l("Inside your own jurisdiction, for example 西湖区 or 330106."))
    certificate_number = StringField(_l("Enforcement certificate number"), filters=[clean_text],
                                     validators=[Length(max=32)],
                                     description=_l("Required for enforcement officers and legal reviewers."))
    email = email_field()

    def validate_certificate_number(self, field) -> None:
        if self.role.data in {role.value for role in CERTIFIED_ROLES} and not field.data:
            raise ValidationError(_l("Enforcement officers and legal reviewers need their certificate number."))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[clean_text],
                           validators=[DataRequired(_l("Give the reason; it is kept in the audit trail.")),
                                       Length(max=500)])


class OfficeHeadForm(ReasonForm):
    """Grant ("1") or withdraw ("0") the head-of-office permission, with the reason."""

    grant = HiddenField(validators=[AnyOf(("0", "1"))])


class EmailForm(FlaskForm):
    """Where an account's notifications go; an empty field stops them."""

    email = email_field()

    def validate_email(self, field) -> None:
        if not field.raw_data:  # a browser always sends the field, if only empty: this post is incomplete
            raise ValidationError(_l("Enter an email address, or leave the field empty for none."))
