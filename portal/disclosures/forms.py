"""Forms for penalty disclosures: the public search, and in the back office the draft, the steps
on it and a line of the discretion benchmark."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal import clock
from portal.casework.models import Category
from portal.disclosures import queries
from portal.disclosures.models import Circumstance, PartyType, PenaltyCategory
from portal.forms import TOO_LONG, CheckboxesField, PlainDateField, StateForm, YuanField, clean_text, enum_choices
from portal.i18n import _l
from portal.identifiers import InvalidIdentifier, normalise_uscc
from portal.publication import periods
from portal.regions.forms import RegionField

TEXT_MAX = 5000
CHOOSE = _l("Choose")


def _uscc(form, field) -> None:
    """A USCC that passes the GB 32100 check, stored in its normal form."""
    if not field.data:
        field.data = None
        return
    try:
        field.data = normalise_uscc(field.data)
    except InvalidIdentifier:
        raise ValidationError(_l("This is not a valid unified social credit code (18 characters, check "
                                 "character last).")) from None


def period_message(low: int, high: int):
    """The message beside the months when they fall outside the rule."""
    return _l("For these penalties and circumstances choose between %(low)d and %(high)d months.", low=low,
              high=high)


def _required(message):
    return [DataRequired(message)]


def _enum(enum_class, text):
    """The member for a submitted value, or None."""
    values = {member.value: member for member in enum_class}
    return values.get(text or "")


class DisclosureForm(FlaskForm):
    """Every field of a penalty disclosure (双公示), and the period chosen in months."""

    region = SelectField(_l("District or county"), validators=_required(_l("Choose the district or county.")))
    institution = StringField(
        _l("Institution in the registry (optional)"), filters=[clean_text], validators=[Length(max=100)],
        description=_l("Its registry number or its unified social credit code. Leave empty for a party "
                       "that is not in the registry, and type the party below."))
    party_name = StringField(_l("Party name"), filters=[clean_text], validators=[Length(max=200)],
                             description=_l("Taken from the registry when left empty and an institution is "
                                            "given. An individual's name is masked on the public page."))
    party_type = SelectField(_l("Party type"), choices=enum_choices(PartyType, CHOOSE),
                             validators=_required(_l("Choose the party type.")))
    uscc = StringField(_l("Unified social credit code"), filters=[clean_text], validators=[_uscc],
                       description=_l("Leave empty for a natural person. Never enter an ID number."))
    legal_representative = StringField(_l("Legal representative (or operator)"), filters=[clean_text],
                                       validators=[Length(max=50)])
    case_number = StringField(_l("Complaint case number (optional)"), filters=[clean_text],
                              validators=[Length(max=30)],
                              description=_l("The case this decision came from, for example 330106-20261122-0001."))
    decision_number = StringField(_l("Decision number"), filters=[clean_text],
                                  validators=_required(_l("Give the decision number.")) + [Length(max=100)],
                                  description=_l("For example 杭西教罚〔2026〕3号. Each number is used once."))
    violation = SelectField(_l("Violation type"), choices=enum_choices(Category, CHOOSE),
                            validators=_required(_l("Choose the violation type.")))
    circumstance = SelectField(_l("Circumstances"), choices=enum_choices(Circumstance, CHOOSE),
                               validators=_required(_l("Choose how serious the circumstances are.")))
    facts = TextAreaField(_l("Facts of the violation"), filters=[clean_text],
                          validators=_required(_l("Describe the facts.")) + [Length(max=TEXT_MAX, message=TOO_LONG)])
    legal_basis = TextAreaField(_l("Legal basis"), filters=[clean_text],
                                validators=_required(_l("Give the legal basis.")) + [Length(max=TEXT_MAX,
                                                                                           message=TOO_LONG)])
    penalties = CheckboxesField(_l("Penalty categories"), choices=enum_choices(PenaltyCategory),
                                validators=_required(_l("Choose at least one penalty category.")))
    penalty_content = TextAreaField(_l("Penalty content"), filters=[clean_text],
                                    validators=_required(_l("Describe the penalty.")) + [Length(max=TEXT_MAX,
                                                                                              message=TOO_LONG)])
    fine_amount = YuanField(_l("Fine (yuan)"), description=_l("Only with the penalty category Fine."))
    confiscated_amount = YuanField(_l("Confiscated amount (yuan, optional)"))
    outside_range_reason = TextAreaField(
        _l("Reason for a penalty outside the benchmark"), filters=[clean_text],
        validators=[Length(max=TEXT_MAX, message=TOO_LONG)],
        description=_l("Needed when a penalty or the fine falls outside the benchmark for this violation and "
                       "circumstances. The reviewer before publication sees it highlighted."))
    decision_date = PlainDateField(_l("Decision date"), validators=[InputRequired(_l("Give the decision date."))])
    valid_until = PlainDateField(_l("Penalty valid until (optional)"), validators=[Optional()],
                                 description=_l("The end of an occupational ban or a business restriction: one "
                                                "longer than three years stays published until then."))
    lifelong = BooleanField(_l("The ban or restriction is lifelong (published without end)"))
    simplified_procedure = BooleanField(_l("Decided by the simplified procedure"),
                                        description=_l("A warning decided by the simplified procedure is not "
                                                       "published."))
    legal_reviewer_name = StringField(
        _l("Legal review (法制审核) by"), filters=[clean_text], validators=[Length(max=50)],
        description=_l("Who reviewed the decision's legality before it was made (行政处罚法 art. 58). Not needed "
                       "for the simplified procedure."))
    legal_reviewed_on = PlainDateField(_l("Date of the legal review"), validators=[Optional()],
                                       description=_l("On or before the decision date."))
    collective_discussion = BooleanField(
        _l("The bureau's heads discussed the case collectively (行政处罚法 art. 57)"),
        description=_l("Needed for especially serious circumstances."))
    months = IntegerField(_l("Publication period (months)"),
                          validators=[InputRequired(_l("Give the publication period in months.")),
                                      NumberRange(1, 36, _l("Give between 1 and 36 months."))],
                          description=_l("Counted from the decision date. General circumstances: 3 to 12 months; "
                                         "serious: 12 to 36; several penalties take the longest range."))
    authority_name = StringField(_l("Deciding authority"), filters=[clean_text],
                                 validators=_required(_l("Name the deciding authority.")) + [Length(max=200)])
    authority_uscc = StringField(_l("Deciding authority's unified social credit code"), filters=[clean_text],
                                 validators=[_uscc])
    data_source = StringField(_l("Data source"), filters=[clean_text],
                              validators=_required(_l("Name the office the data comes from.")) + [Length(max=200)])
    remarks = TextAreaField(_l("Remarks (optional)"), filters=[clean_text],
                            validators=[Length(max=TEXT_MAX, message=TOO_LONG)])

    def __init__(self, *args, counties=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = [SelectChoice("", CHOOSE)] + [SelectChoice(c.code, c.path_zh) for c in counties]

    @property
    def chosen_violation(self) -> Category | None:
        return _enum(Category, self.violation.data)

    @property
    def chosen_circumstance(self) -> Circumstance | None:
        return _enum(Circumstance, self.circumstance.data)

    @property
    def chosen_penalties(self) -> list[PenaltyCategory]:
        return [p for p in PenaltyCategory if p.value in (self.penalties.data or [])]


    def validate_authority_uscc(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Give the deciding authority's unified social credit code."))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rules across fields: the fine and its category, the period and
        its tier, the dates."""
        valid = super().validate(extra_validators)
        problems = {}
        penalties = self.chosen_penalties
        if PenaltyCategory.FINE in penalties and self.fine_amount.data is None:
            problems[self.fine_amount] = _l("Give the fine, or untick the penalty category Fine.")
        elif self.fine_amount.data is not None and PenaltyCategory.FINE not in penalties:
            problems[self.fine_amount] = _l("A fine needs the penalty category Fine.")
        circumstance = self.chosen_circumstance
        if periods.not_published(penalties, self.simplified_procedure.data):
            problems[self.simplified_procedure] = _l("A warning decided by the simplified procedure is not "
                                                     "published: do not draft a disclosure for it.")
        elif penalties and circumstance and self.months.data is not None and not self.months.errors:
            low, high = periods.month_range(penalties, periods.tier_for(circumstance), self.region.data or None)
            if not low <= self.months.data <= high:
                problems[self.months] = period_message(low, high)
        if not self.simplified_procedure.data:
            if not self.legal_reviewer_name.data:
                problems[self.legal_reviewer_name] = _l("Say who did the legal review of the decision.")
            if not self.legal_reviewed_on.data:
                problems[self.legal_reviewed_on] = _l("Give the date of the legal review.")
        if self.legal_reviewed_on.data and self.decision_date.data and \
                self.legal_reviewed_on.data > self.decision_date.data:
            problems[self.legal_reviewed_on] = _l("The legal review comes before the decision: on or before the "
                                                  "decision date.")
        if circumstance is Circumstance.ESPECIALLY_SERIOUS and not self.collective_discussion.data:
            problems[self.collective_discussion] = _l("Especially serious circumstances need a collective "
                                                      "discussion before the decision.")
        if self.lifelong.data and not periods.lasts_as_long(penalties):
            problems[self.lifelong] = _l("Only an occupational ban or a business restriction can be lifelong.")
        elif self.lifelong.data and self.valid_until.data:
            problems[self.valid_until] = _l("A lifelong ban has no end date: leave this empty.")
        if self.decision_date.data and self.decision_date.data > clock.today():
            problems[self.decision_date] = _l("The decision date cannot be in the future.")
        if self.decision_date.data and self.valid_until.data and self.valid_until.data < self.decision_date.data:
            problems[self.valid_until] = _l("The penalty cannot end before the decision date.")
        if not self.party_name.data and not self.institution.data:
            problems[self.party_name] = _l("Give the party name, or the institution in the registry.")
        for target, message in problems.items():
            if not target.errors:
                target.errors = [message]
        return valid and not problems


class SubmitForm(StateForm):
    pass


REVIEW_CHOICES = [SelectChoice("approve", _l("Approve: publish it now")),
                  SelectChoice("return", _l("Return to the drafter with comments"))]


class ReviewForm(StateForm):
    decision = RadioField(_l("Publication review"), choices=REVIEW_CHOICES,
                          validators=[InputRequired(_l("Approve it, or return it with comments."))])
    comment = TextAreaField(_l("Comments"), filters=[clean_text], validators=[Length(max=TEXT_MAX, message=TOO_LONG)],
                            description=_l("Needed when you return it: say what must change."))

    def validate_comment(self, field) -> None:
        if self.decision.data == "return" and not field.data:
            raise ValidationError(_l("Say what must change before it can be published."))


REVOKED_ON = _l("Day the decision was revoked or changed")
REVOKED_ON_HELP = _l("The withdrawal is due within 3 working days of this day.")


class RevocationForm(StateForm):
    revoked_on = PlainDateField(REVOKED_ON, description=REVOKED_ON_HELP,
                                validators=[InputRequired(_l("Give the day the decision was revoked or changed."))])


class WithdrawForm(StateForm):
    revoked_on = PlainDateField(REVOKED_ON, description=REVOKED_ON_HELP,
                                validators=[InputRequired(_l("Give the day the decision was revoked or changed."))])
    reason = TextAreaField(_l("Reason for the withdrawal (shown publicly)"), filters=[clean_text],
                           validators=[DataRequired(_l("Give the reason: the decision was revoked or changed, "
                                                       "and by what.")), Length(max=TEXT_MAX, message=TOO_LONG)])


class DisclosureSearchForm(FlaskForm):
    """Party, decision number or USCC; area, violation, penalty and decision dates (a GET form)."""

    class Meta:
        csrf = False

    q = StringField(_l("Party, decision number or unified social credit code"), validators=[Optional()],
                    filters=[lambda value: clean_text(value)[:queries.MAX_QUERY_LENGTH]],
                    description=_l("Any part of a name is enough, even one character."))
    region = RegionField(_l("Area"), validators=[Optional()],
                         description=_l("A province, city or district name, or its six-digit code."))
    violation = SelectField(_l("Violation"), validators=[Optional()],
                            choices=enum_choices(Category, blank=_l("All violations")))
    penalty = SelectField(_l("Penalty"), validators=[Optional()],
                          choices=enum_choices(PenaltyCategory, blank=_l("All penalties")))
    decided_from = DateField(_l("Decided on or after"), validators=[Optional()],
                             description=_l("For example 2026-01-31."))
    decided_to = DateField(_l("Decided on or before"), validators=[Optional()],
                           description=_l("For example 2026-12-31."))

    def validate_decided_to(self, field: DateField) -> None:
        if field.data and self.decided_from.data and field.data < self.decided_from.data:
            raise ValidationError(_l("This date is before the first one."))
