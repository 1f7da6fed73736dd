"""An institution's registered contact (联系人): the person the office reaches about disputes, their
mobile number and email. Kept by registry officers and in the registry's versions; never published,
and in audit records only as "set"."""
from __future__ import annotations

import re

from wtforms import StringField
from wtforms.fields import EmailField, TelField
from wtforms.validators import Email, Length, Optional, ValidationError

from portal.forms import TOO_LONG, clean_text
from portal.i18n import _, _l
from portal.identifiers import is_valid_mobile, normalise_mobile

FIELDS = ("contact_person", "contact_mobile", "contact_email")
EMAIL_FORM = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def audited(values: dict) -> dict:
    """Plain values for an audit record: the contact's details replaced by a mark that they were set."""
    return {name: ("(set)" if value else "") if name in FIELDS else value for name, value in values.items()}


def check_row(values: dict, headers: dict[str, str], problems: list[str]) -> None:
    """An import row's contact: the mobile number cleaned and checked, the email's form checked."""
    if values.get("contact_mobile"):
        number = normalise_mobile(values["contact_mobile"])
        if not is_valid_mobile(number):
            problems.append(_("%(column)s is not an 11-digit mobile number.", column=headers["contact_mobile"]))
        values["contact_mobile"] = number
    if values.get("contact_email") and not EMAIL_FORM.fullmatch(values["contact_email"]):
        problems.append(_("%(column)s is not an email address.", column=headers["contact_email"]))


class ContactFields:
    """The contact's fields of the registry officer's form."""

    contact_person = StringField(_l("Contact person"), filters=[clean_text],
                                 validators=[Length(max=50, message=TOO_LONG)],
                                 description=_l("Who answers the office about complaints and disputes (never "
                                                "published)."))
    contact_mobile = TelField(_l("Contact's mobile number"), filters=[clean_text],
                              validators=[Length(max=20, message=TOO_LONG)],
                              description=_l("11 digits, for example 13812345678. The office's one-time links "
                                             "go to this number."))
    contact_email = EmailField(_l("Contact's email"), filters=[clean_text],
                               validators=[Optional(), Length(max=254, message=TOO_LONG),
                                           Email(_l("Enter an email address like name@example.com."))])

    def validate_contact_mobile(self, field) -> None:
        number = normalise_mobile(field.data)
        if number and not is_valid_mobile(number):
            raise ValidationError(_("Enter an 11-digit mobile number, for example 13812345678."))
        field.data = number
