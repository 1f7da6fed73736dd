"""Forms for typical cases: the article in the back office, the steps on it, and the public
search."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal import clock
from portal.disclosures.forms import REVIEW_CHOICES
from portal.forms import TOO_LONG, PlainDateField, StateForm
from portal.i18n import _l
from portal.regions.forms import RegionField
from portal.text import clean_text

TITLE_MAX, SUMMARY_MAX, BODY_MAX = 200, 1000, 20000
CHOOSE = _l("Choose")


def lines(text: str | None) -> list[str]:
    """The non-empty lines of a text area, each trimmed, duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for line in (text or "").splitlines():
        if line.strip():
            seen.setdefault(line.strip(), None)
    return list(seen)


def _at_most_ten(form, field) -> None:
    if len(lines(field.data)) > 10:
        raise ValidationError(_l("Link at most 10, one per line."))


class CaseForm(FlaskForm):
    """A typical case: Chinese always, English optional; the body in Markdown."""

    region = SelectField(_l("Area"), validators=[DataRequired(_l("Choose the area the case belongs to."))])
    case_date = PlainDateField(_l("Date of the case"), validators=[InputRequired(_l("Give the date of the case."))],
                               description=_l("For example the date of the decision or of the inspection."))
    title = StringField(_l("Title"), filters=[clean_text],
                        validators=[DataRequired(_l("Give the title.")), Length(max=TITLE_MAX, message=TOO_LONG)])
    summary = TextAreaField(_l("Summary"), filters=[clean_text],
                            validators=[DataRequired(_l("Give a short summary.")),
                                        Length(max=SUMMARY_MAX, message=TOO_LONG)],
                            description=_l("Two or three sentences shown in the list of cases."))
    body = TextAreaField(_l("Text (Markdown)"), filters=[clean_text],
                         validators=[DataRequired(_l("Write the text of the case.")),
                                     Length(max=BODY_MAX, message=TOO_LONG)],
                         description=_l("Written in Markdown (see the formatting guide). Press Preview to see "
                                        "the text as it will be published."))
    title_en = StringField(_l("English title (optional)"), filters=[clean_text],
                           validators=[Length(max=TITLE_MAX, message=TOO_LONG)],
                           description=_l("Without an English title, English readers see the Chinese text "
                                          "with a note."))
    summary_en = TextAreaField(_l("English summary (optional)"), filters=[clean_text],
                               validators=[Length(max=SUMMARY_MAX, message=TOO_LONG)])
    body_en = TextAreaField(_l("English text (Markdown, optional)"), filters=[clean_text],
                            validators=[Length(max=BODY_MAX, message=TOO_LONG)])
    disclosures = TextAreaField(
        _l("Linked penalty decisions (optional)"), filters=[clean_text], validators=[_at_most_ten],
        description=_l("One decision number per line, for example 杭西教罚〔2026〕1号. Only published "
                       "decisions of your jurisdiction."))
    institutions = TextAreaField(
        _l("Linked institutions (optional)"), filters=[clean_text], validators=[_at_most_ten],
        description=_l("One per line: the registry number or the unified social credit code."))

    def __init__(self, *args, places=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = [SelectChoice("", CHOOSE)] + [SelectChoice(p.code, p.path_zh) for p in places]

    def validate_case_date(self, field) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future."))

    def validate_title_en(self, field) -> None:
        if not field.data and (self.summary_en.data or self.body_en.data):
            raise ValidationError(_l("Give the English title too, or leave all English fields empty."))


class SubmitForm(StateForm):
    pass


class ReviewForm(StateForm):
    decision = RadioField(_l("Review"), choices=REVIEW_CHOICES,
                          validators=[InputRequired(_l("Approve it, or return it with comments."))])
    comment = TextAreaField(_l("Comments"), filters=[clean_text], validators=[Length(max=5000, message=TOO_LONG)],
                            description=_l("Needed when you return it: say what must change."))

    def validate_comment(self, field) -> None:
        if self.decision.data == "return" and not field.data:
            raise ValidationError(_l("Say what must change before it can be published."))


class WithdrawForm(StateForm):
    reason = TextAreaField(_l("Reason for the withdrawal (shown publicly)"), filters=[clean_text],
                           validators=[DataRequired(_l("Give the reason the case is withdrawn.")),
                                       Length(max=5000, message=TOO_LONG)])


class CaseSearchForm(FlaskForm):
    """Words in the title, the area and the year (a GET form)."""

    class Meta:
        csrf = False

    q = StringField(_l("Words in the title"), validators=[Optional()],
                    filters=[lambda value: clean_text(value)[:100]])
    region = RegionField(_l("Area"), validators=[Optional()],
                         description=_l("A province, city or district name, or its six-digit code."))
    year = SelectField(_l("Year"), validators=[Optional()])

    def __init__(self, *args, years=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = [SelectChoice("", _l("All years"))] + [SelectChoice(str(y), str(y)) for y in years]
