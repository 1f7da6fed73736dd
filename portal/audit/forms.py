"""The audit log's filter form, and turning what it says into the log's filters."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from portal.accounts.models import User
from portal.audit import service
from portal.casework.exceptions import CaseNotFound
from portal.forms import PlainDateField
from portal.i18n import _, _l
from portal.security.audit_labels import ACTION_LABELS
from portal.text import clean_text

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class AuditFilterForm(FlaskForm):
    """What an administrator narrows the log to (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False,
                         choices=[SelectChoice("", _l("Any action"))]
                         + [SelectChoice(action, label) for action, label in ACTION_LABELS.items()])
    actor = StringField(_l("Who"), filters=[lambda value: clean_text(value).lower()],
                        validators=[Optional(), Length(max=40)],
                        description=_l("A staff username, or “reporter” for every reporter."))
    about = StringField(_l("Case or account"), filters=[clean_text], validators=[Optional(), Length(max=60)],
                        description=_l("A case number such as 330106-20261122-0007, or user: and a username."))
    date_from = PlainDateField(_l("From"), validators=[Optional()])
    date_to = PlainDateField(_l("Until"), validators=[Optional()])

    def validate_action(self, field) -> None:
        """Only an action the log knows."""
        if field.data and field.data not in ACTION_LABELS:
            raise ValidationError(_l("Choose an action from the list."))

    def validate_date_from(self, field) -> None:
        """A date the log could hold."""
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(_l("Give a date between 2000 and 2100."))

    def validate_date_to(self, field) -> None:
        """A date the log could hold, not before the start."""
        self.validate_date_from(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


NO_ACCOUNT = _l("No account with this username in your jurisdiction.")


def _actor(form: AuditFilterForm, admin: User) -> str | None:
    if form.actor.data == service.REPORTERS:
        return service.REPORTERS
    if not form.actor.data:
        return None
    found = service.account_in_jurisdiction(admin, form.actor.data)
    if found is None:
        form.actor.errors = [str(NO_ACCOUNT)]
        return None
    return f"{service.USER_PREFIX}{found}"


def _about(form: AuditFilterForm, admin: User) -> tuple[str, str] | None:
    text = form.about.data or ""
    if text.lower().startswith(service.USER_PREFIX):
        found = service.account_in_jurisdiction(admin, text[len(service.USER_PREFIX):].strip().lower())
        if found is None:
            form.about.errors = [str(NO_ACCOUNT)]
            return None
        return ("user", str(found))
    if not text:
        return None
    if not service.CASE_NUMBER.fullmatch(text):
        form.about.errors = [_("Give a case number such as 330106-20261122-0007, or user: and a username.")]
        return None
    try:
        return ("complaint", str(service.case_in_jurisdiction(admin, text)))
    except CaseNotFound:
        form.about.errors = [_("No case with this number in your jurisdiction.")]
        return None


def resolve_filters(form: AuditFilterForm, admin: User) -> service.Filters | None:
    """Turn a validated form into filters; name what cannot be found beside its field (None then)."""
    actor, about = _actor(form, admin), _about(form, admin)
    if form.errors:
        return None
    return service.Filters(
        action=form.action.data or None, actor=actor, object=about,
        since=service.local_midnight(form.date_from.data) if form.date_from.data else None,
        before=service.local_midnight(form.date_to.data + dt.timedelta(days=1)) if form.date_to.data else None)
