"""The one hook that keeps the statistics current: every flush notes which counted records it
wrote (a complaint or a step of it, an enforcement case, a disclosure, a blacklist entry, a
supervisor's observation, a follow-up call, a dispute on the mediation track), whichever feature
wrote them; before the transaction commits, those
records are counted again and the cells moved by the difference (`aggregates.apply`), in the
same transaction. A savepoint or transaction that rolls back leaves a note that costs a
recount and changes nothing: the recount reads the records as they are.

Writes that bypass the session's unit of work (bulk UPDATE statements, COPY) are not seen: after
one, run `flask --app portal stats rebuild`.
"""
from __future__ import annotations

from itertools import chain

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.blacklist.models import BlacklistEntry
from portal.casework.models import Complaint, ComplaintEvent
from portal.disclosures.models import Disclosure
from portal.enforcement.models import EnforcementCase
from portal.followups.models import FollowUp
from portal.mediation.models import MediationCase
from portal.observations.models import Observation
from portal.stats import aggregates, facts

TOUCHED = "portal.stats_touched"
ENABLED = "portal.stats_keeping"


def init_app(app: Flask) -> None:
    app.extensions[ENABLED] = True


def _noted(instance: object) -> list[tuple[str, int]]:
    """The counted records a written object changes (a case's step: the case and its enforcement
    case; a case: also its dispute on the mediation track (its county and date received); a
    disclosure: the enforcement case it decides, resolved when counting)."""
    if isinstance(instance, ComplaintEvent):
        return [("complaint", instance.complaint_id), ("complaint-enforcement", instance.complaint_id)]
    if isinstance(instance, Complaint):
        return [("complaint", instance.id), ("complaint-enforcement", instance.id),
                ("complaint-mediation", instance.id)]
    if isinstance(instance, EnforcementCase):
        return [("enforcement", instance.id)]
    if isinstance(instance, Disclosure):
        return [("disclosure", instance.id), ("disclosure-enforcement", instance.id)]
    if isinstance(instance, BlacklistEntry):
        return [("blacklist", instance.id)]
    if isinstance(instance, Observation):
        return [("observation", instance.id)]
    if isinstance(instance, FollowUp):
        return [("follow_up", instance.id)]
    if isinstance(instance, MediationCase):
        return [(facts.MEDIATION, instance.id)]
    return []


def _active() -> bool:
    return has_app_context() and current_app.extensions.get(ENABLED, False)


@event.listens_for(Session, "after_flush")
def _note(session: Session, _context) -> None:
    if not _active():
        return
    touched = session.info.setdefault(TOUCHED, set())
    for instance in chain(session.new, session.dirty, session.deleted):
        touched.update(key for key in _noted(instance) if key[1] is not None)


@event.listens_for(Session, "before_commit")
def _count(session: Session) -> None:
    if not _active() or session.in_nested_transaction():
        return  # a savepoint: the outer transaction counts at its commit
    session.flush()
    while session.info.get(TOUCHED):
        touched = session.info.pop(TOUCHED)
        aggregates.apply(aggregates.resolve(touched))
        session.flush()


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(TOUCHED, None)  # committed (counted) or rolled back (nothing to count)
