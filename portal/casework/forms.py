"""Forms staff use on cases: each step of the casework, assignment and links (transfer and referral
forms: `portal.routing`)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.forms import TOO_LONG
from portal.i18n import _l, _lp
from portal.text import clean_text

# Step texts are as long as a complaint may be.
TEXT_MAX = 5000


def _text(label, message, max_length: int = TEXT_MAX, description=None) -> TextAreaField:
    return TextAreaField(label, filters=[clean_text], description=description,
                         validators=[InputRequired(message), Length(max=max_length, message=TOO_LONG)])


class StepForm(FlaskForm):
    """A step that needs nothing but a confirmation: accept, start, archive."""


class ReasonStepForm(FlaskForm):
    text = _text(_l("Reason"), _l("Give the reason."))


class NotAcceptForm(FlaskForm):
    text = _text(_l("Reason (shown to the reporter)"), _l("Give the reason the complaint is not accepted."),
                 description=_l("The reporter reads this. Say which rule applies and where they can turn."))


class ObjectionForm(FlaskForm):
    text = _text(_l("Objection (shown to the reporter)"), _l("Say why this office is not responsible."),
                 description=_l("Why the matter is not this office's, and which office it belongs to."))


class MessageForm(FlaskForm):
    text = _text(_lp("form field", "Message to the reporter"), _l("Write the message."),
                 description=_l("The reporter reads this on the tracking page."))


class NoteForm(FlaskForm):
    text = _text(_lp("form field", "Internal note"), _l("Write the note."), description=_l("Staff only."))


class SupervisionForm(FlaskForm):
    text = _text(_l("Supervision order"), _l("Write what the office must do and by when."))


class ReplyForm(FlaskForm):
    text = _text(_l("Written reply (shown to the reporter)"), _l("Write the reply."),
                 description=_l("What was found, what was done, the legal basis, and how to ask for a "
                                "review if the reporter disagrees."))


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Handler"), coerce=str, validate_choice=False)

    def validate_assignee(self, field) -> None:
        if field.data not in {choice[0] for choice in field.choices}:
            raise ValidationError(_l("Choose a handler from the list."))


# How the assign list marks a handler of an office above the case's ("市级 · 姓名").
LEVEL_LABELS = {"country": _l("National level"),
                "province": _l("Province level"), "prefecture": _l("City level"), "county": _l("County level")}


class LinkForm(FlaskForm):
    case_number = StringField(_l("Case number of the earlier case"), filters=[clean_text],
                              validators=[InputRequired(_l("Give the case number.")), Length(max=24)],
                              description=_l("For example 330106-20261122-0007."))


# One form per step (features above add theirs: `panels.add_step_form`); the step table says which steps exist.
STEP_FORMS: dict[str, type[FlaskForm]] = {
    "accept": StepForm, "start": StepForm, "archive": StepForm,
    "not_accept": NotAcceptForm, "return": ObjectionForm,
    "supervise": SupervisionForm, "message": MessageForm, "note": NoteForm,
    "conclude": ReplyForm, "decide_review": ReplyForm, "assign": AssignForm, "link": LinkForm,
}

STEP_LABELS = {
    "accept": _l("Accept"), "not_accept": _l("Do not accept"), "transfer": _l("Transfer (转办)"),
    "refer": _l("Refer for enforcement (移送)"),
    "return": _l("Return to the sender with an objection"),
    "start": _l("Start the investigation"),
    "supervise": _l("Issue a supervision order"), "assign": _l("Assign a handler"),
    "link": _l("Link as a duplicate"), "message": _l("Message the reporter"), "note": _l("Add an internal note"),
    "conclude": _l("Conclude with a written reply"),
    "decide_review": _l("Decide the review (复查) with a written reply"),
    "archive": _l("Archive"),
}
# At the 复核 stage the decision is named as one (art. 36).
RE_REVIEW_DECISION = _l("Decide the re-review (复核) with a written reply (final)")
