"""The reply's form (with the remedies it names), its confirmation, the sign-off, and the office's settings."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.casework.forms import TEXT_MAX, ReplyForm
from portal.forms import TOO_LONG
from portal.i18n import _l
from portal.notices import kinds
from portal.text import clean_text


class NoticeReplyForm(ReplyForm):
    """Casework's reply, and whether the matter is an administrative act (then the document names
    行政复议 and 行政诉讼). The case page posts it to the preview."""

    administrative = BooleanField(
        _l("The reply concerns an administrative act"),
        description=_l("Then the written reply also tells the reporter how to apply for administrative "
                       "reconsideration (行政复议, within 60 days) or bring an administrative lawsuit (行政诉讼, "
                       "within 6 months)."))


class ConfirmReplyForm(FlaskForm):
    """The previewed reply, sent back unchanged with the digest of what the officer saw."""

    text = HiddenField(filters=[clean_text], validators=[InputRequired(), Length(max=TEXT_MAX)])
    administrative = HiddenField()
    seen = HiddenField(validators=[InputRequired(), Length(min=64, max=64)])


class SignOffForm(FlaskForm):
    """Signing off the waiting reply: the digest of the letter the officer read."""

    seen = HiddenField(validators=[InputRequired(), Length(min=64, max=64)])


class ReturnDraftForm(FlaskForm):
    note = TextAreaField(_l("Why it goes back (the author reads this)"), filters=[clean_text],
                         validators=[Optional(), Length(max=2000, message=TOO_LONG)])


class SettingsForm(FlaskForm):
    authority = StringField(_l("Issuing authority (as printed on notices)"), filters=[clean_text],
                            validators=[InputRequired(_l("Give the authority's name.")),
                                        Length(max=100, message=TOO_LONG)])
    short_name = StringField(_l("Short name in document numbers"), filters=[clean_text],
                             validators=[InputRequired(_l("Give the short name.")), Length(max=20, message=TOO_LONG)])
    number_pattern = StringField(
        _l("Document number pattern"), filters=[clean_text],
        validators=[InputRequired(_l("Give the pattern.")), Length(max=60, message=TOO_LONG)],
        description=_l("Placeholders: {office_short} the short name, {year} the year, {seq} the number within "
                       "the office's year, {kind} the kind's character (受, 答, …). {year} and {seq} are required."))
    second_signoff = BooleanField(
        _l("A written reply needs a second sign-off"),
        description=_l("Another certified officer must sign off a reply (答复意见书, 复查意见书, 复核意见书) "
                       "before it is issued; never its author."))

    def validate_number_pattern(self, field) -> None:
        problem = kinds.pattern_problem(field.data or "")
        if problem == "placeholder":
            raise ValidationError(_l("Use only the placeholders {office_short}, {year}, {seq} and {kind}, and no "
                                     "other braces."))
        if problem == "unique":
            raise ValidationError(_l("The pattern must contain {year} and {seq}, so every number is unique."))
