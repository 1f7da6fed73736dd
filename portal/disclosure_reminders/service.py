"""Daily reminders of the disclosures' clocks: a decision not yet published within 3 working days
of its publication due date or past it, and a revoked decision not yet withdrawn likewise. Each
(disclosure, kind, due day) is sent once, to the drafter or, if they cannot be reached, the
office's handlers. Like the case reminders, a message names the decision number, the day and the
link; nothing else."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, or_, select

from portal.accounts.models import User
from portal.casework.mail import office_handlers
from portal.disclosure_reminders.models import DisclosureReminder
from portal.disclosures.models import Disclosure, DisclosureState
from portal.extensions import db
from portal.i18n import _
from portal.notifications.mail import enabled, queue
from portal.publication.clocks import DUE_SOON, Clock, calendar_covering, clocks
from portal.workdays.periods import add_period

LOCALES = ("zh_CN", "en")
DIVIDER = "\n\n— — —\n\n"
UNPUBLISHED = (DisclosureState.DRAFT, DisclosureState.IN_REVIEW, DisclosureState.RETURNED)


def _in_both(write: Callable[[], str], joiner: str) -> str:
    parts = []
    for locale in LOCALES:
        with force_locale(locale):
            parts.append(write())
    return joiner.join(parts)


def open_clocks() -> list[tuple[Disclosure, Clock]]:
    """Every open clock: decisions not yet published, and revoked decisions not yet withdrawn."""
    rows = list(db.session.scalars(select(Disclosure).where(or_(
        Disclosure.state.in_(UNPUBLISHED),
        and_(Disclosure.state == DisclosureState.PUBLISHED, Disclosure.revoked_on.is_not(None))))
        .order_by(Disclosure.id)))
    calendar = calendar_covering(rows)
    return [(row, found) for row in rows for found in clocks(row, calendar) if found.open()]


def send_reminders(today: dt.date) -> int:
    """Queue the reminders due today (sent after the caller commits); returns how many."""
    if not enabled():
        return 0
    horizon = add_period(today, DUE_SOON).day
    kept = select(DisclosureReminder.disclosure_id, DisclosureReminder.kind, DisclosureReminder.due_on)
    sent = {tuple(row) for row in db.session.execute(kept)}
    offices: dict[str, list[User]] = {}
    count = 0
    for disclosure, found in open_clocks():
        if not found.due_soon(today, horizon):
            continue
        kind = f"{found.name}_{'overdue' if found.due < today else 'soon'}"
        if (disclosure.id, kind, found.due) in sent:
            continue
        drafter = db.session.get(User, disclosure.drafter_id)
        if drafter is not None and drafter.active and drafter.email:
            recipients = [drafter]
        else:
            recipients = offices.setdefault(disclosure.region_code, office_handlers(disclosure.region_code))
        if not recipients:
            continue  # nobody to tell yet: try again tomorrow
        _queue(disclosure, found, found.due < today, recipients)
        db.session.add(DisclosureReminder(disclosure_id=disclosure.id, kind=kind, due_on=found.due))
        count += 1
    db.session.flush()
    return count


def _queue(disclosure: Disclosure, found: Clock, overdue: bool, recipients: list[User]) -> None:
    number, due = disclosure.decision_number, found.due.isoformat()
    url = current_app.config["BASE_URL"].rstrip("/") + f"/staff/disclosures/{disclosure.id}"
    publication = found.name == "publication"

    def subject() -> str:
        if publication:
            return _("Publication overdue: %(number)s", number=number) if overdue else \
                _("Publication due: %(number)s", number=number)
        return _("Withdrawal overdue: %(number)s", number=number) if overdue else \
            _("Withdrawal due: %(number)s", number=number)

    def body() -> str:
        if publication:
            line = _("Penalty decision %(number)s was to be published by %(due)s.", number=number, due=due) \
                if overdue else _("Penalty decision %(number)s must be published by %(due)s.", number=number, due=due)
        else:
            line = _("Revoked decision %(number)s was to be withdrawn by %(due)s.", number=number, due=due) \
                if overdue else _("Revoked decision %(number)s must be withdrawn by %(due)s.", number=number,
                                  due=due)
        return line + "\n\n" + _("Open it in the back office: %(url)s", url=url)

    text = _in_both(body, DIVIDER) + "\n"
    for user in recipients:
        queue(user.email, _in_both(subject, " / "), text, disclosure.region_code)
