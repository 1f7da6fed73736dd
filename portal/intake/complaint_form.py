"""The complaint's own fields and rules: the public form files them, and staff register a complaint
that came by phone, letter or visit with the same form plus how it arrived."""
from __future__ import annotations

import datetime as dt
import secrets

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    StringField,
    TelField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from portal import clock
from portal.casework.models import MEDIATION_CATEGORIES, Category, NotifyChannel
from portal.forms import TOO_LONG, PlainDateField, clean_text, enum_choices
from portal.i18n import _l, current_locale
from portal.identifiers import clean, is_valid_mobile, is_valid_resident_id, normalise_mobile
from portal.institutions import service as institutions
from portal.institutions.models import Institution
from portal.intake.filing import Draft, ReporterIdentity
from portal.regions import service as regions
from portal.regions.forms import RegionField
from portal.regions.models import RegionLevel

DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 5000
IDENTITY_CHOICES = [SelectChoice("anonymous", _l("Anonymously")), SelectChoice("named", _l("With my name"))]
TOO_SHORT = _l("Please write at least %(min)d characters so we can act on it.")
REPORT, MEDIATION = "report", "mediation"
WISH_CHOICES = [SelectChoice(REPORT, _l("Report a violation: the office checks it and may open an enforcement case")),
                SelectChoice(MEDIATION, _l("I want my money back: mediation between me and the institution"))]
class InstitutionChoice:
    """Finds the reported institution in the registry, or accepts one typed in by hand."""

    def __init__(self) -> None:
        self.institution: Institution | None = None
        self.candidates: list[Institution] = []

    def resolve(self, form: "ComplaintForm") -> None:
        chosen = form.institution_id.data
        if chosen and chosen.isascii() and chosen.isdigit():
            try:
                self.institution = institutions.get(int(chosen))
                return
            except institutions.InstitutionNotFound:
                pass
        if form.not_listed.data:
            return
        self.institution, self.candidates = institutions.resolve(form.institution_query.data)


class ComplaintForm(FlaskForm):
    """The public complaint form; staff registration reuses it with a source and a date."""

    category = RadioField(_l("What is the problem?"), choices=enum_choices(Category),
                          validators=[InputRequired(_l("Choose the kind of problem."))])
    wish = RadioField(_l("What do you want the office to do?"), choices=WISH_CHOICES, default=REPORT,
                      description=_l("Mediation is for a refund or another dispute over fees or a contract. It is "
                                     "voluntary for both sides; only a penalty decision can order a refund."))
    institution_query = StringField(
        _l("Institution name or unified social credit code"), filters=[clean_text],
        validators=[Length(max=100)],
        description=_l("Type part of the name as it appears on its sign or receipt."))
    institution_id = HiddenField()
    not_listed = BooleanField(_l("The institution is not in the registry (for example, it has no licence)"))
    institution_name = StringField(_l("Name the institution uses"), filters=[clean_text],
                                   validators=[Length(max=200)])
    institution_address = StringField(
        _l("Where it operates"), filters=[clean_text], validators=[Length(max=300)],
        description=_l("Street, building and room, or the nearest landmark."))
    region = RegionField(_l("District or county"), levels=[RegionLevel.COUNTY],
                         description=_l("Where the institution operates, for example 西湖区 or 330106."))
    description = TextAreaField(
        _l("What happened"), filters=[clean_text],
        validators=[InputRequired(_l("Tell us what happened.")),
                    Length(min=DESCRIPTION_MIN, message=TOO_SHORT),
                    Length(max=DESCRIPTION_MAX, message=TOO_LONG)],
        description=_l("What the institution did, when and how often, who was affected, and what you "
                       "paid. Do not write your own name here if you want to stay anonymous. A child's name, "
                       "school, class or health is sensitive personal information: give only what is needed."))
    occurred_on = PlainDateField(_l("When it happened"), validators=[Optional()],
                            description=_l("The date, or the first date if it happened more than once."))
    ongoing = BooleanField(_l("It is still going on"))
    files = MultipleFileField(
        _l("Evidence (optional)"),
        description=_l("Up to 5 photos or PDF files (JPEG, PNG, WebP, PDF), 10 MB each. Location and "
                       "camera details are removed from photos. Photos of children are sensitive personal "
                       "information: leave faces out where you can."))
    identity = RadioField(_l("How do you want to report?"), choices=IDENTITY_CHOICES, default="anonymous",
                          validators=[InputRequired(_l("Choose anonymous or named."))])
    name = StringField(_l("Your name (required when reporting with your name)"), filters=[clean_text],
                       validators=[Length(max=50, message=TOO_LONG)])
    phone = TelField(_l("Mobile number (required when reporting with your name)"), filters=[clean_text],
                     validators=[Length(max=20, message=TOO_LONG)],
                     description=_l("11 digits, for example 13812345678."))
    email = EmailField(_l("Email (optional)"), filters=[clean_text],
                       validators=[Optional(), Length(max=254),
                                   Email(_l("Enter an email address like name@example.com."))])
    id_number = StringField(_l("Resident ID number (optional)"), filters=[clean_text], validators=[Length(max=30)],
                            description=_l("Needed only if you may claim a reward."))
    notify_by = RadioField(_l("How should we tell you about your case?"), choices=enum_choices(NotifyChannel),
                           default=NotifyChannel.SMS.value,
                           description=_l("When a written notice is issued or the case has news. A text or "
                                          "email says only that there is news, never the details."))
    postal_address = StringField(_l("Postal address (required for letters)"), filters=[clean_text],
                                 validators=[Length(max=200, message=TOO_LONG)], description=_l(
                                     "Province, city, district, street, building and room, and the postcode."))
    mediation_name_shared = BooleanField(_l("For mediation, the institution may know my name"), description=_l(
        "Without it the institution sees the facts of the dispute but not who you are. Your telephone number and "
        "identity number are never shared."))
    # Left empty by people; filled by form-filling robots. Hidden from sight and from screen readers.
    website = StringField(_l("Leave this field empty"))
    form_token = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choice = InstitutionChoice()
        if not self.form_token.data:
            self.form_token.data = self.new_token()
        if not self.named:
            self.forget_reporter()

    NAMED_FIELDS = ("name", "phone", "email", "id_number", "postal_address")

    def forget_reporter(self) -> None:
        """An anonymous report keeps no named-reporter answer, not even to show it again."""
        for name in self.NAMED_FIELDS:
            self[name].data = ""
            self[name].raw_data = []

    def prefill_region(self, institution: Institution) -> None:
        """Where a registered institution operates, as the place the complaint is about."""
        if not self.region.data:
            self.region.region = regions.get(institution.region_code)
            self.region.data = self.region.region.path(current_locale())

    @staticmethod
    def new_token() -> str:
        """A one-time token for one filled-in form."""
        return secrets.token_urlsafe(32)

    @property
    def named(self) -> bool:
        return self.identity.data == "named"

    def draft(self, files) -> Draft:
        """What the validated form says, as the intake service takes it."""
        institution = self.choice.institution
        region = self.region.region.code if self.region.region else institution.region_code
        identity = None
        if self.named:
            identity = ReporterIdentity(name=self.name.data, phone=normalise_mobile(self.phone.data),
                                        email=self.email.data, id_number=clean(self.id_number.data))
        return Draft(
            category=Category(self.category.data), region_code=region, description=self.description.data,
            institution_id=institution.id if institution else None,
            institution_name="" if institution else self.institution_name.data,
            institution_address="" if institution else self.institution_address.data,
            occurred_on=self.occurred_on.data, ongoing=self.ongoing.data, identity=identity,
            notify_channel=self.channel if self.named else None,
            notify_contact=self.contact(identity) if identity else "", files=files,
            mediation=self.wish.data == MEDIATION, mediation_name_shared=self.wish.data == MEDIATION
            and self.named and bool(self.mediation_name_shared.data))

    notify_hints = {channel.value: channel.description for channel in NotifyChannel}

    @property
    def channel(self) -> NotifyChannel:
        return NotifyChannel(self.notify_by.data or NotifyChannel.SMS.value)

    def contact(self, identity: ReporterIdentity) -> str:  # where the chosen channel reaches the reporter
        return {NotifyChannel.SMS: identity.phone, NotifyChannel.EMAIL: identity.email,
                NotifyChannel.LETTER: self.postal_address.data}[self.channel]

    def validate_wish(self, field) -> None:
        if field.data == MEDIATION and self.category.data not in {c.value for c in MEDIATION_CATEGORIES}:
            raise ValidationError(_l("Mediation is for a dispute over fees, a refund or a contract: choose one above."))
        if field.data == MEDIATION and not self.named:
            raise ValidationError(_l("Mediation needs your name and mobile number: report with your name below."))

    def validate_institution_query(self, field) -> None:
        self.choice.resolve(self)
        if self.choice.institution is not None or self.not_listed.data:
            return
        if self.choice.candidates:
            raise ValidationError(_l("Several institutions match. Choose one below, or tick the box if it "
                                     "is not listed."))
        if field.data:
            raise ValidationError(_l("No registered institution matches. Check the name, or tick the box "
                                     "below and tell us where it operates."))
        raise ValidationError(_l("Tell us which institution this is about."))

    def validate_institution_name(self, field) -> None:
        if self.not_listed.data and len(field.data) < 2:
            raise ValidationError(_l("Give the name the institution uses, as on its sign or receipts."))

    def validate_institution_address(self, field) -> None:
        if self.not_listed.data and len(field.data) < 4:
            raise ValidationError(_l("Tell us where it operates so inspectors can find it."))

    def validate_region(self, field) -> None:
        if field.region is None and self.choice.institution is not None and not field.errors:
            self.prefill_region(self.choice.institution)
        if field.region is None and self.choice.institution is None and not field.errors:
            raise ValidationError(_l("Choose the district or county where it operates."))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rule across two fields: a date, or "still going on"."""
        valid = super().validate(extra_validators)
        if self.occurred_on.data is None and not self.ongoing.data and not self.occurred_on.errors:
            self.occurred_on.errors = [_l("Give the date, or tick that it is still going on.")]
            valid = False
        if self.named and self.notify_by.data == NotifyChannel.EMAIL.value and not self.email.data:
            self.email.errors, valid = [_l("Give an email address to be told by email, or choose another way.")], False
        if self.named and self.notify_by.data == NotifyChannel.LETTER.value and len(self.postal_address.data) < 8:
            self.postal_address.errors, valid = [_l("Give the full postal address the letters go to, with the "
                                                    "postcode, or choose another way.")], False
        return valid

    def validate_occurred_on(self, field) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data and field.data < dt.date(2000, 1, 1):
            raise ValidationError(_l("Give a date after 1 January 2000."))

    def validate_name(self, field) -> None:
        if self.named and len(field.data) < 2:
            raise ValidationError(_l("Give your name, or choose to report anonymously."))

    def validate_phone(self, field) -> None:
        if self.named and not is_valid_mobile(normalise_mobile(field.data)):
            raise ValidationError(_l("Enter an 11-digit mobile number, for example 13812345678."))

    def validate_id_number(self, field) -> None:
        if self.named and field.data and not is_valid_resident_id(clean(field.data)):
            raise ValidationError(_l("This resident ID number is not valid. Check the 18 characters."))

