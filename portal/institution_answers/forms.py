"""Staff's form sending a link, and the institution's answer form."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import MultipleFileField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal import clock
from portal.forms import TOO_LONG, PlainDateField, YuanField, clean_text, enum_choices
from portal.i18n import _, _l
from portal.institution_answers.models import Channel
from portal.institution_answers.service import Proposal

FACTS_MAX = 5000
POSITION_MAX = 5000


class SendLinkForm(FlaskForm):
    """How the link goes to the institution's registered contact, and the facts it will read."""

    channel = RadioField(_l("Send the link by"), choices=enum_choices(Channel),
                         validators=[InputRequired(_l("Choose how to send the link."))])
    facts = TextAreaField(_l("The facts the institution reads"), filters=[clean_text],
                          validators=[InputRequired(_l("Write the facts of the dispute for the institution.")),
                                      Length(max=FACTS_MAX, message=TOO_LONG)],
                          description=_l("What the dispute is about, in your words. Leave out the parent's name, "
                                         "telephone number, address and anything else that identifies them."))


class AnswerForm(FlaskForm):
    """The institution's position, a refund it proposes (if any), and its documents."""

    position = TextAreaField(_l("Your institution's position"), filters=[clean_text],
                             validators=[InputRequired(_l("Write your institution's position on the dispute.")),
                                         Length(max=POSITION_MAX, message=TOO_LONG)])
    refund = RadioField(_l("Do you propose a refund?"),
                        choices=[SelectChoice("yes", _l("Yes, we propose a refund")),
                                 SelectChoice("no", _l("No refund"))],
                        validators=[InputRequired(_l("Say whether you propose a refund."))])
    amount = YuanField(_l("Amount to refund (yuan)"), validators=[Optional()],
                       description=_l("For example 6800 or 6800.50."))
    refund_on = PlainDateField(_l("Paid by"), validators=[Optional()],
                               description=_l("The last day the money will be paid, for example 2026-12-20."))
    how = StringField(_l("How it will be paid"), filters=[clean_text],
                      validators=[Length(max=200, message=TOO_LONG)],
                      description=_l("For example back to the card or account the fees were paid from."))
    files = MultipleFileField(_l("Documents (optional)"),
                              description=_l("Up to 5 files (JPEG, PNG, WebP or PDF), 10 MB each: the contract, "
                                             "receipts, class records."))

    def _proposing(self) -> bool:
        return self.refund.data == "yes"

    def _refund_problems(self) -> dict:
        """What is missing or wrong in a proposed refund, by field."""
        today, problems = clock.today(), {}
        if self.amount.data is None:
            problems[self.amount] = _("Give the amount you propose to refund.")
        elif self.amount.data <= 0:
            problems[self.amount] = _("The amount must be more than zero.")
        if self.refund_on.data is None:
            problems[self.refund_on] = _("Give the day the money will be paid by.")
        elif self.refund_on.data < today:
            problems[self.refund_on] = _("The day cannot be in the past.")
        elif self.refund_on.data > today + dt.timedelta(days=366):
            problems[self.refund_on] = _("Give a day within a year.")
        if not self.how.data:
            problems[self.how] = _("Say how the money will be paid.")
        return problems

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then a proposed refund's amount, day and way, each beside its field."""
        valid = super().validate(extra_validators)
        if self._proposing():
            for field, problem in self._refund_problems().items():
                if not field.errors:
                    field.errors = [*field.errors, problem]
                    valid = False
        return valid

    def proposal(self) -> Proposal | None:
        """The refund proposed, or None."""
        if not self._proposing():
            return None
        return Proposal(self.amount.data, self.refund_on.data, self.how.data)
