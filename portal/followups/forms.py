"""Recording a follow-up call: reached or not, the reporter's rating, comments."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.casework.models import Rating
from portal.followups.service import COMMENTS_MAX
from portal.forms import TOO_LONG, clean_text, enum_choices
from portal.i18n import _l


class CallForm(FlaskForm):
    reached = RadioField(_l("Did you reach the reporter?"),
                         choices=[SelectChoice("yes", _l("Yes, we spoke")), SelectChoice("no", _l("No answer"))],
                         validators=[InputRequired(_l("Say whether you reached the reporter."))])
    rating = RadioField(_l("The reporter's rating of how the case was handled"), choices=enum_choices(Rating),
                        validate_choice=False, description=_l("Only when you reached the reporter."))
    comments = TextAreaField(_l("What the reporter said (optional)"), filters=[clean_text],
                             validators=[Length(max=COMMENTS_MAX, message=TOO_LONG)],
                             description=_l("Internal: staff of the office only. Write no phone number or address."))

    def validate_rating(self, field) -> None:
        if self.reached.data == "yes" and field.data not in {rating.value for rating in Rating}:
            raise ValidationError(_l("Choose the reporter's rating."))
        if self.reached.data == "no" and field.data:
            raise ValidationError(_l("A call that did not reach the reporter has no rating."))

    @property
    def chosen(self) -> Rating | None:
        return Rating(self.rating.data) if self.reached.data == "yes" and self.rating.data else None
