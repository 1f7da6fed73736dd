"""Sign-in forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from portal.accounts import passwords
from portal.i18n import _l
from portal.text import clean_text


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), filters=[lambda v: clean_text(v).lower()],
                           validators=[DataRequired(_l("Enter your username.")), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[clean_text],
                       validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
                       description=_l("The 6 digits your authenticator app shows now, or one of your "
                                      "recovery codes."))


class EnrolForm(FlaskForm):
    code = StringField(_l("Code from the app"), filters=[clean_text],
                       validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
                       description=_l("After adding the account, type the 6 digits the app shows."))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Choose a new password.")), Length(max=200)],
                        description=_l("At least 12 characters. A few unrelated words are easy to remember "
                                       "and hard to guess."))
    repeat = PasswordField(_l("New password again"),
                           validators=[EqualTo("new", _l("The two new passwords are not the same."))])

    def __init__(self, *args, personal: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.personal = personal or []

    def validate_new(self, field) -> None:
        try:
            passwords.check_policy(field.data or "", self.personal)
        except passwords.WeakPassword as exc:
            if exc.reason == "length":
                raise ValidationError(_l("Use at least 12 characters.")) from exc
            raise ValidationError(_l("This password is too common or too easy to guess.")) from exc
