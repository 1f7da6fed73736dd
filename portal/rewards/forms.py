"""Forms for the reward decision and for recording the reporter's claim."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from portal.forms import TOO_LONG, YuanField
from portal.i18n import _l
from portal.identifiers import ID_PATTERN, MOBILE_PATTERN, clean
from portal.rewards import service as rewards
from portal.rewards.models import RewardGrade
from portal.text import clean_text

REASON_MAX = 2000
NOTE_MAX = 500


class DecisionForm(FlaskForm):
    """A grade and the fines and confiscations it is a share of, or no reward with a reason."""

    grade = RadioField(_l("Decision"), choices=[SelectChoice(grade.value, grade.label) for grade in RewardGrade],
                       validators=[InputRequired(_l("Choose a grade, or no reward."))])
    base_amount = YuanField(
        _l("Fines and confiscations in this case (yuan)"),
        description=_l("The total of fines and confiscated illegal gains and property in the penalty "
                       "decisions. Enter 0 if there were none: the grade's minimum applies."))
    eligible = BooleanField(_l("The reporter is a natural person, and is not regulator staff, the injured "
                               "party or the offender"))
    amount = YuanField(
        _l("Amount to award (yuan, optional)"),
        description=_l("Leave empty to award the computed amount. A different amount needs a reason."))
    reason = TextAreaField(
        _l("Reason (shown to the reporter)"), filters=[clean_text],
        validators=[Length(max=REASON_MAX, message=TOO_LONG)],
        description=_l("Needed for no reward, for an amount other than the computed one, and for a "
                       "correction. The reporter reads it: do not name anyone."))

    def __init__(self, *args, scales: rewards.Scales, correcting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scales = scales
        self.correcting = correcting
        self.computed: Decimal | None = None

    @property
    def chosen(self) -> RewardGrade | None:
        values = {grade.value: grade for grade in RewardGrade}
        return values.get(self.grade.data or "")

    def calculate(self) -> Decimal | None:
        """The computed amount for the grade and base typed, when both are there and valid."""
        grade = self.chosen
        if grade in self.scales.grades and self.base_amount.data is not None and not self.base_amount.errors:
            self.computed = rewards.compute(grade, self.base_amount.data, self.scales)
        return self.computed

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rules across fields: what a grade needs, and when a reason is due."""
        valid = super().validate(extra_validators)
        grade, computed = self.chosen, self.calculate()
        if grade is None:
            return False
        problems = {}
        if grade is RewardGrade.NONE:
            if not self.reason.data:
                problems[self.reason] = _l("Give the reason there is no reward.")
        else:
            if self.base_amount.data is None and not self.base_amount.errors:
                problems[self.base_amount] = _l("Give the fines and confiscations, or 0 if there were none.")
            if not self.eligible.data:
                problems[self.eligible] = _l("Confirm the reporter may be rewarded, or decide no reward "
                                             "with the reason.")
            amount = self.amount.data
            if amount is not None and not 0 < amount <= self.scales.cap:
                problems[self.amount] = _l("The amount must be more than 0 and at most %(cap)s.",
                                           cap=rewards.yuan(self.scales.cap))
            elif amount is not None and computed is not None and amount != computed and not self.reason.data:
                problems[self.reason] = _l("The amount differs from the computed %(computed)s. Give the reason.",
                                           computed=rewards.yuan(computed))
        if self.correcting and not self.reason.data and self.reason not in problems:
            problems[self.reason] = _l("Give the reason for the correction.")
        for field, message in problems.items():
            if not field.errors:
                field.errors = [message]
        return valid and not problems


class ClaimForm(FlaskForm):
    """The proof the person collecting the reward is the reporter."""

    receipt = StringField(_l("Receipt code the reporter shows"), filters=[clean_text],
                          validators=[Length(max=64)],
                          description=_l("16 letters and digits. It is checked, never stored."))
    identity_check = TextAreaField(
        _l("How you checked who collected it"), filters=[clean_text],
        validators=[Length(max=NOTE_MAX, message=TOO_LONG)],
        description=_l("For example: identity document checked against the identity released by the "
                       "custodian. Say how, not who: do not write a name, ID number or phone number."))

    def __init__(self, *args, anonymous: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.anonymous = anonymous

    def validate_receipt(self, field) -> None:
        if self.anonymous and not field.data:
            raise ValidationError(_l("The reporter was anonymous: enter the receipt code they show."))

    def validate_identity_check(self, field) -> None:
        if not self.anonymous and not field.data:
            raise ValidationError(_l("Say how you checked that the person is the reporter."))
        compact = clean(field.data)
        if ID_PATTERN.search(compact) or MOBILE_PATTERN.search(compact):
            raise ValidationError(_l("Do not write an ID or phone number here; say only how you checked."))

