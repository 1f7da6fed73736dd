"""Forms administrators use to manage accounts and decide on each other's requests."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length

from portal.accounts import service
from portal.accounts.models import CERTIFIED_ROLES, PRIVILEGED_ROLES, Role
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
    reason = TextAreaField(_l("Reason (for a second administrator)"), filters=[clean_text],
                           validators=[Length(max=500)],
                           description=_l("Administrators, legal reviewers and identity custodians check other "
                                          "people's work: an administrator above you approves such an account "
                                          "before it opens. Say why it is needed, for example the appointment "
                                          "document."))

    def validate_certificate_number(self, field) -> None:
        if self.role.data in {role.value for role in CERTIFIED_ROLES} and not field.data:
            raise ValidationError(_l("Enforcement officers and legal reviewers need their certificate number."))

    def validate_reason(self, field) -> None:
        if self.role.data in {role.value for role in PRIVILEGED_ROLES} and not field.data:
            raise ValidationError(_l("Give the reason: an administrator above you decides on it."))


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


class GrantDecisionForm(FlaskForm):
    """A second administrator approves or refuses a request; a refusal says why."""

    decision = RadioField(_l("Decision"),
                          choices=[SelectChoice("approve", _l("Approve")), SelectChoice("refuse", _l("Refuse"))],
                          validators=[InputRequired(_l("Choose whether to approve or refuse."))])
    note = TextAreaField(_l("Note"), filters=[clean_text], validators=[Length(max=500)],
                         description=_l("Needed when you refuse. It stays in the audit trail."))

    def validate_note(self, field) -> None:
        if self.decision.data == "refuse" and not field.data:
            raise ValidationError(_l("Say why you refuse."))

    @property
    def approves(self) -> bool:
        return self.decision.data == "approve"
