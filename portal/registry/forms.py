"""The registry officer's forms: an institution, its closure, a year's annual inspection, a file to import."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.forms import TOO_LONG, PlainDateField, clean_text, enum_choices
from portal.i18n import _, _l
from portal.identifiers import clean, uscc_problem
from portal.institutions.contact import ContactFields
from portal.institutions.models import AnnualInspection, InstitutionKind, LicenceStatus, RegistrationType
from portal.regions import service as regions
from portal.regions.forms import RegionField
from portal.regions.models import RegionLevel
from portal.registry.facts import Facts
from portal.registry.importing import USCC_PROBLEMS


def _text(label, max_length: int, *validators, **kwargs) -> StringField:
    return StringField(label, filters=[clean_text], validators=[*validators, Length(max=max_length, message=TOO_LONG)],
                       **kwargs)


def _lines(text: str | None) -> str:
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


class InstitutionForm(ContactFields, FlaskForm):
    """Every fact the registry keeps about an institution; `reason` says why it changed."""

    name = _text(_l("Name"), 200, DataRequired(_l("Give the institution's registered name.")))
    former_names = TextAreaField(_l("Former names"), filters=[_lines], validators=[Length(max=2000, message=TOO_LONG)],
                                 description=_l("One per line. A renamed institution keeps its old name here."))
    uscc = _text(_l("Unified social credit code"), 30, Optional(),
                 description=_l("18 characters; leave empty for an operator without one."))
    region = RegionField(_l("Registered in (county)"), validators=[DataRequired(_l("Give the county."))],
                         levels=[RegionLevel.COUNTY], description=_l("The county (区县) name or its six-digit code."))
    address = _text(_l("Registered address"), 300)
    kind = SelectField(_l("Kind of training"), choices=enum_choices(InstitutionKind))
    licence_status = SelectField(_l("Licence status"), choices=enum_choices(LicenceStatus))
    licence_number = _text(_l("School-running licence number"), 64)
    licence_issuer = _text(_l("Issued by"), 200)
    licence_valid_from = PlainDateField(_l("Valid from"), validators=[Optional()])
    licence_valid_until = PlainDateField(_l("Valid until"), validators=[Optional()],
                                         description=_l("The last day of validity: the next day the licence "
                                                        "shows as expired."))
    registration_type = SelectField(_l("Registration"), choices=enum_choices(RegistrationType))
    registration_number = _text(_l("Registration number"), 64)
    legal_representative = _text(_l("Legal representative"), 50)
    on_national_platform = BooleanField(_l("Registered on the national supervision platform"))
    platform_number = _text(_l("National platform number"), 64)
    platform_registered_on = PlainDateField(_l("Registered on the platform on"), validators=[Optional()])
    supervising_bank = _text(_l("Supervising bank"), 100)
    fee_account_supervised = BooleanField(_l("Prepaid fees go into a supervised account"))
    filed_prices = TextAreaField(_l("Filed prices"), filters=[_lines], validators=[Length(max=2000, message=TOO_LONG)],
                                 description=_l("One item per line, as filed, for example 小学数学 60 元/课时."))
    premises = TextAreaField(_l("Training premises"), filters=[_lines], validators=[Length(max=3000, message=TOO_LONG)],
                             description=_l("One place per line: the county's six-digit code, a space, then the "
                                            "address."))
    reason = TextAreaField(_l("Why (kept in the history)"), filters=[clean_text],
                           validators=[Length(max=1000, message=TOO_LONG)])
    version = HiddenField()

    def __init__(self, *args, require_reason: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.require_reason = require_reason
        self.places: tuple[tuple[str, str], ...] = ()

    def validate_uscc(self, field) -> None:
        code = clean(field.data)
        if code:
            problem = uscc_problem(code)
            if problem:
                raise ValidationError(USCC_PROBLEMS[problem](code))
        field.data = code

    def validate_licence_number(self, field) -> None:
        if self.licence_status.data != LicenceStatus.NONE.value and not field.data:
            raise ValidationError(_("Give the licence number, or choose “%(none)s”.",
                                    none=LicenceStatus.NONE.label))

    def validate_licence_valid_until(self, field) -> None:
        if field.data and self.licence_valid_from.data and field.data < self.licence_valid_from.data:
            raise ValidationError(_("The last day comes before the first."))

    def validate_premises(self, field) -> None:
        places = []
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            code, _space, address = line.partition(" ")
            region = regions.get(code) if code.isdigit() and len(code) == 6 else None
            if region is None or region.level is not RegionLevel.COUNTY or not address.strip():
                raise ValidationError(_("Line %(number)s: write the county's six-digit code, a space, then the "
                                        "address.", number=number))
            places.append((code, address.strip()[:300]))
        self.places = tuple(places)

    def validate_reason(self, field) -> None:
        if self.require_reason and not field.data:
            raise ValidationError(_("Say why the facts change, for example the document that shows it."))

    def facts(self) -> Facts:
        return Facts(
            name=self.name.data, former_names=self.former_names.data or "", uscc=self.uscc.data or None,
            region_code=self.region.region.code, address=self.address.data or "",
            kind=InstitutionKind(self.kind.data), licence_status=LicenceStatus(self.licence_status.data),
            licence_number=self.licence_number.data or None, licence_issuer=self.licence_issuer.data or "",
            licence_valid_from=self.licence_valid_from.data, licence_valid_until=self.licence_valid_until.data,
            registration_type=RegistrationType(self.registration_type.data),
            registration_number=self.registration_number.data or "",
            legal_representative=self.legal_representative.data or "",
            contact_person=self.contact_person.data or "", contact_mobile=self.contact_mobile.data or "",
            contact_email=self.contact_email.data or "",
            on_national_platform=bool(self.on_national_platform.data), platform_number=self.platform_number.data or "",
            platform_registered_on=self.platform_registered_on.data,
            supervising_bank=self.supervising_bank.data or "",
            fee_account_supervised=bool(self.fee_account_supervised.data), filed_prices=self.filed_prices.data or "",
            premises=self.places)

    def fill(self, facts: Facts, version: int) -> None:
        """Show the institution's current facts (a GET of the edit page)."""
        for name, value in facts.to_json().items():
            if name == "region_code":
                self.region.data = value
            elif name == "premises":
                self.premises.data = "\n".join(f"{code} {address}" for code, address in value)
            elif name in self._fields and name not in ("licence_valid_from", "licence_valid_until",
                                                       "platform_registered_on"):
                self[name].data = value if value is not None else ""
        self.licence_valid_from.data = facts.licence_valid_from
        self.licence_valid_until.data = facts.licence_valid_until
        self.platform_registered_on.data = facts.platform_registered_on
        self.version.data = str(version)


class CloseForm(FlaskForm):
    """The institution closed: when, and why (注销登记, 终止办学, 吊销后关闭...)."""

    closed_on = PlainDateField(_l("Closed on"), validators=[InputRequired(_l("Give the date it closed."))])
    reason = TextAreaField(_l("Reason and document"), filters=[clean_text],
                           validators=[DataRequired(_l("Say why, for example the deregistration document.")),
                                       Length(max=1000, message=TOO_LONG)])
    version = HiddenField()


class InspectionForm(FlaskForm):
    """One year's annual inspection result."""

    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Give the year inspected.")),
                                                NumberRange(2000, 2100, _l("Give a year such as 2026."))])
    result = SelectField(_l("Result"), choices=enum_choices(AnnualInspection))
    inspected_on = PlainDateField(_l("Inspected on"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), filters=[clean_text], validators=[Length(max=2000, message=TOO_LONG)])


class ImportForm(FlaskForm):
    """An XLSX or CSV file to check against the registry."""

    file = FileField(_l("File (XLSX or CSV)"), validators=[DataRequired(_l("Choose the file to check."))],
                     description=_l("The first sheet is read; its first row names the columns, as in the template."))


class DecisionForm(FlaskForm):
    """A second officer's decision on an import: apply it, or refuse it with the reason."""

    decision = RadioField(_l("Decision"), choices=[SelectChoice("apply", _l("Apply the import")),
                                                   SelectChoice("refuse", _l("Refuse it"))],
                          validators=[InputRequired(_l("Choose whether to apply or refuse it."))])
    reason = TextAreaField(_l("Reason"), filters=[clean_text], validators=[Length(max=1000, message=TOO_LONG)],
                           description=_l("Needed when you refuse."))

    def validate_reason(self, field) -> None:
        if self.decision.data == "refuse" and not field.data:
            raise ValidationError(_("Say why you refuse it."))
