"""Forms for filing and following a complaint; every message sits beside its field."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import MultipleFileField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.casework.models import Rating
from portal.forms import TOO_LONG, clean_text, enum_choices
from portal.i18n import _l
from portal.intake.complaint_form import DESCRIPTION_MAX, TOO_SHORT


class TrackForm(FlaskForm):
    """The receipt code, typed in any case, with or without dashes and spaces."""

    receipt = StringField(_l("Receipt code"), filters=[clean_text],
                          validators=[DataRequired(_l("Enter the receipt code from your receipt."))],
                          description=_l("16 letters and digits, for example 7K2M-9QXD-4HTB-PW3N."))


class SupplementForm(FlaskForm):
    """Information or files added to an open case."""

    text = TextAreaField(_l("Add information or a message"), filters=[clean_text],
                         validators=[InputRequired(_l("Write what you want to add.")),
                                     Length(max=DESCRIPTION_MAX, message=TOO_LONG)])
    files = MultipleFileField(_l("Files (optional)"),
                              description=_l("Up to 5 photos or PDF files, 10 MB each."))


class RatingForm(FlaskForm):
    """The reporter's verdict on the written reply."""

    rating = RadioField(_l("Are you satisfied with how your case was handled?"), choices=enum_choices(Rating),
                        validators=[InputRequired(_l("Choose one of the three answers."))])
    comment = TextAreaField(_l("Comment (optional)"), filters=[clean_text],
                            validators=[Length(max=1000, message=TOO_LONG)])


class ReviewForm(FlaskForm):
    """The reporter's request for review by the superior level (whatever their rating)."""

    reason = TextAreaField(_l("Why do you ask for a review?"), filters=[clean_text],
                           validators=[InputRequired(_l("Tell us what was wrong with the reply.")),
                                       Length(min=10, message=TOO_SHORT),
                                       Length(max=DESCRIPTION_MAX, message=TOO_LONG)])
