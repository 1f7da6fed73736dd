"""The blacklist procedure: proposal, notice and defence, listing after review, rectification,
removal after review; and entries of a list published elsewhere: listed at once from the command
line, awaiting a second person's review when an officer uploads them.

The allowed steps are one table (`STEP_TABLE`, taken through `portal.workflow`) used by the staff
pages and the import alike; every step writes a BlacklistEvent and an audit record (object type
"blacklist_entry").
Nothing is deleted. Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import or_, select

from portal import clock, workflow
from portal.accounts.models import Role, User
from portal.blacklist.known_operators import link_registry
from portal.blacklist.models import BlacklistEntry, BlacklistEvent, BlacklistReason, BlacklistState
from portal.errors import NotFound
from portal.extensions import db
from portal.institutions.models import InstitutionKind
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.search import grams
from portal.security import audit
from portal.text import clean_text
from portal.workdays.periods import Rule, Unit, add_period
from portal.workflow import StepNotAllowed, Workflow, step

B = BlacklistState
GRAM_KIND = "blacklist"
# How decision numbers are separated when several are typed or published in one cell.
DECISION_SEPARATORS = re.compile(r"[,，;；、\n]+")
MAX_ID = workflow.MAX_ID


# The operator may state its case (陈述申辩) before it is listed; officers may set another date.
def defence_period() -> Rule:
    """The notice-and-defence period before listing: a local credit rule (PORTAL_BLACKLIST_DEFENCE_DAYS
    working days, 5 by default, under PORTAL_BLACKLIST_DEFENCE_BASIS), not 行政处罚法 arts. 44–45,
    which govern penalty decisions."""
    config = current_app.config
    return Rule(config["BLACKLIST_DEFENCE_DAYS"], Unit.WORKING_DAYS, config["BLACKLIST_DEFENCE_BASIS"])


# Every state but the two ends: an operator in one of these may not be proposed or imported again.
OPEN_STATES = frozenset(set(B) - {B.REMOVED, B.DROPPED})


PROPOSERS = frozenset({Role.ADMIN, Role.HANDLER})
REVIEWERS = frozenset({Role.REVIEWER})
# A review step needs someone other than the proposer and the one who asked for it.
REVIEW = {"other_than_author": True}
STEP_TABLE = [
    step("send_notice", {B.PROPOSED}, B.NOTICE, PROPOSERS),
    step("request_listing", {B.NOTICE}, B.LISTING_REVIEW, PROPOSERS),
    step("drop", {B.PROPOSED, B.NOTICE}, B.DROPPED, PROPOSERS, reason=True),
    step("approve_listing", {B.LISTING_REVIEW}, B.LISTED, REVIEWERS, **REVIEW),
    step("return_listing", {B.LISTING_REVIEW}, B.NOTICE, REVIEWERS, reason=True, **REVIEW),
    step("mark_rectifying", {B.LISTED}, B.RECTIFYING, PROPOSERS),
    step("request_removal", {B.LISTED, B.RECTIFYING}, B.REMOVAL_REQUESTED, PROPOSERS, reason=True),
    step("approve_removal", {B.REMOVAL_REQUESTED}, B.REMOVED, REVIEWERS, **REVIEW),
    # Back to the state the removal was asked from (the table cannot know it).
    step("refuse_removal", {B.REMOVAL_REQUESTED}, None, REVIEWERS, reason=True, **REVIEW),
    # Once its validity has run out, an entry in force comes up for review (validity.py): a reviewer
    # other than the proposer keeps it with a new last day, or removes it, with the reasons.
    step("keep_listing", {B.LISTED, B.RECTIFYING}, None, REVIEWERS, reason=True, **REVIEW),
    step("remove_expired", {B.LISTED, B.RECTIFYING}, B.REMOVED, REVIEWERS, reason=True, **REVIEW),
]
# The steps that ask for the last day of the listing's validity.
VALIDITY_STEPS = frozenset({"request_listing", "keep_listing"})
REVIEW_STEPS = frozenset({"keep_listing", "remove_expired"})


class EntryNotFound(NotFound, LookupError):
    """No such entry, or not in the person's jurisdiction: the same answer for both."""


class DefenceNotOver(StepNotAllowed):
    """Listing may be requested only after the defence period; args[0] is its last day."""


class NotDueForReview(StepNotAllowed):
    """The entry's validity has not run out: nothing to review yet."""


class InvalidEntry(ValueError):
    """A field that cannot be stored; args[0] names it ("region_code", "defence_until", …)."""


class DuplicateEntry(ValueError):
    """The operator is already on the list or in the procedure; args[0] is that entry's id."""


@dataclass
class EntryData:
    """The published fields of an entry, as an officer or an imported row gives them."""

    region_code: str
    name: str
    training_type: InstitutionKind
    reason: BlacklistReason
    facts: str
    authority_name: str
    uscc: str | None = None
    address: str = ""
    institution_id: int | None = None
    decision_numbers: list[str] = field(default_factory=list)
    outcome: str = ""
    batch: str = ""
    cutoff_date: dt.date | None = None
    listed_on: dt.date | None = None


# ---- Finding entries ---------------------------------------------------------------------------

def for_staff(user: User, entry_id: int) -> BlacklistEntry:
    """An entry inside the user's jurisdiction (else not found)."""
    return workflow.for_staff(BlacklistEntry, user, entry_id, EntryNotFound)


def open_duplicate(uscc: str | None, name: str, region_code: str) -> int | None:
    """The id of an entry still open for the same code, or the same name in the same county."""
    same = BlacklistEntry.name == name.strip()
    if region_code:
        same = same & (BlacklistEntry.region_code == region_code)
    match = or_(same, BlacklistEntry.uscc == uscc) if uscc else same
    return db.session.scalar(select(BlacklistEntry.id).where(match, BlacklistEntry.state.in_(OPEN_STATES))
                             .order_by(BlacklistEntry.id).limit(1))


def check_county(region_code: str) -> None:
    """The county must exist and be county-level."""
    try:
        region = regions.get(region_code)
    except regions.RegionNotFound:
        raise InvalidEntry("region_code") from None
    if region.level is not RegionLevel.COUNTY:
        raise InvalidEntry("region_code")


# ---- Creating entries --------------------------------------------------------------------------

def _new_entry(data: EntryData, state: BlacklistState, proposer: User | None) -> BlacklistEntry:
    check_county(data.region_code)
    if not data.name.strip() or not data.facts.strip() or not data.authority_name.strip():
        raise InvalidEntry("name" if not data.name.strip() else "facts" if not data.facts.strip()
                           else "authority_name")
    duplicate = open_duplicate(data.uscc, data.name, data.region_code)
    if duplicate is not None:
        raise DuplicateEntry(duplicate)
    entry = BlacklistEntry(
        region_code=data.region_code, institution_id=data.institution_id, name=data.name.strip(), uscc=data.uscc,
        address=data.address.strip(), training_type=data.training_type, reason=data.reason,
        facts=data.facts.strip(), authority_name=data.authority_name.strip(), listed_on=data.listed_on,
        batch=data.batch.strip(), cutoff_date=data.cutoff_date, outcome=data.outcome.strip(),
        decision_numbers=",".join(n.strip() for n in data.decision_numbers if n.strip()), state=state,
        proposer_id=proposer.id if proposer else None)
    db.session.add(entry)
    db.session.flush()
    grams.index(GRAM_KIND, [(entry.id, entry.name)])
    return entry


def _published(entry: BlacklistEntry) -> dict:
    return {"name": entry.name, "uscc": entry.uscc or "", "region_code": entry.region_code,
            "reason": entry.reason.value, "state": entry.state.value, "batch": entry.batch,
            "listed_on": str(entry.listed_on or "")}


def propose(actor: User, data: EntryData, now: dt.datetime | None = None) -> BlacklistEntry:
    """Propose an operator for the list; by a handler or an administrator of the county's
    jurisdiction. Nothing is stored when a rule refuses."""
    workflow.require(actor, PROPOSERS, "propose", data.region_code)
    now = now or clock.now()
    entry = _new_entry(data, B.PROPOSED, actor)
    db.session.add(BlacklistEvent(entry_id=entry.id, at=now, from_state=None, to_state=B.PROPOSED,
                                  actor_id=actor.id))
    db.session.flush()
    audit.record(f"user:{actor.id}", "blacklist.proposed", "blacklist_entry", entry.id, at=now,
                 after=_published(entry))
    return entry


def add_listed(data: EntryData, batch: str, now: dt.datetime | None = None) -> BlacklistEntry:
    """An entry of a list published elsewhere (decided there), stored as listed; the event notes
    the batch. Only for the command line (someone with server access): an officer's upload goes
    through `import_for_review` and a second person."""
    if data.listed_on is None:
        raise InvalidEntry("listed_on")
    now = now or clock.now()
    data.batch = batch
    entry = _new_entry(data, B.LISTED, None)
    link_registry(entry)
    db.session.add(BlacklistEvent(entry_id=entry.id, at=now, from_state=None, to_state=B.LISTED, note=batch))
    db.session.flush()
    audit.record("system", "blacklist.imported", "blacklist_entry", entry.id, at=now, after=_published(entry),
                 reason=batch)
    return entry


def import_for_review(data: EntryData, batch: str, actor: User, now: dt.datetime | None = None) -> BlacklistEntry:
    """An entry of a published list uploaded by an officer: it waits for review with the officer
    as its proposer, and a reviewer other than them lists it (approve_listing) or returns it. The
    event notes the batch; the published date listed is kept for the listing."""
    workflow.require(actor, PROPOSERS, "import", data.region_code)
    if data.listed_on is None:
        raise InvalidEntry("listed_on")
    now = now or clock.now()
    data.batch = batch
    entry = _new_entry(data, B.LISTING_REVIEW, actor)
    db.session.add(BlacklistEvent(entry_id=entry.id, at=now, from_state=None, to_state=B.LISTING_REVIEW,
                                  actor_id=actor.id, note=batch))
    db.session.flush()
    audit.record(f"user:{actor.id}", "blacklist.imported_for_review", "blacklist_entry", entry.id, at=now,
                 after=_published(entry), reason=batch)
    return entry


# ---- Steps -------------------------------------------------------------------------------------

def _last_event_into(entry: BlacklistEntry, state: BlacklistState) -> BlacklistEvent | None:
    return db.session.scalar(select(BlacklistEvent).where(BlacklistEvent.entry_id == entry.id,
                                                          BlacklistEvent.to_state == state)
                             .order_by(BlacklistEvent.id.desc()).limit(1))


def requesters(entry: BlacklistEntry) -> set[int]:
    """Who may not review the entry now: its proposer and whoever asked for the pending step."""
    people = {entry.proposer_id} if entry.proposer_id else set()
    if entry.state in (B.LISTING_REVIEW, B.REMOVAL_REQUESTED):
        request = _last_event_into(entry, entry.state)
        if request is not None and request.actor_id:
            people.add(request.actor_id)
    return people


def defence_over(entry: BlacklistEntry, today: dt.date) -> bool:
    """True once the defence period has run out (the day after its last day); an entry imported
    from a list decided and published elsewhere (it carries that list's date) had its defence
    there, so a returned import may be asked for again once corrected."""
    if entry.defence_until is None:
        return entry.listed_on is not None
    return today > entry.defence_until


def default_defence_until(today: dt.date) -> dt.date:
    """The last day of the defence period when a notice is sent today."""
    return add_period(today, defence_period()).day


def due_for_review(entry: BlacklistEntry, today: dt.date) -> bool:
    """In force (listed or rectifying) and its validity's last day has come."""
    return entry.state in (B.LISTED, B.RECTIFYING) and entry.valid_until is not None and entry.valid_until <= today


def allowed_steps(entry: BlacklistEntry, user: User, today: dt.date | None = None) -> list[str]:
    """The steps the entry's state and the person allow now (for the page's forms)."""
    today = today or clock.today()
    steps = STEPS.allowed(user, entry)
    if not defence_over(entry, today):
        steps = [name for name in steps if name != "request_listing"]
    if not due_for_review(entry, today):
        steps = [name for name in steps if name not in REVIEW_STEPS]
    return steps


def _apply(name: str, entry: BlacklistEntry, today: dt.date, defence_until: dt.date | None,
           valid_until: dt.date | None, note: str) -> dict:
    """What a step changes besides the state; the audit record's extra fields."""
    if name in REVIEW_STEPS and not due_for_review(entry, today):
        raise NotDueForReview(entry.valid_until)
    if name == "request_listing" and not defence_over(entry, today):
        raise DefenceNotOver(entry.defence_until)
    if name in VALIDITY_STEPS:
        if (valid_until is None and name == "keep_listing") or (valid_until is not None and valid_until <= today):
            raise InvalidEntry("valid_until")
        before, entry.valid_until = entry.valid_until, valid_until
        return {"valid_until": str(valid_until or ""), "valid_until_before": str(before or "")}
    if name == "remove_expired":
        entry.removed_on, entry.removal_reason = today, note
        return {"removed_on": str(entry.removed_on), "removal_reason": note, "valid_until": str(entry.valid_until)}
    if name == "send_notice":
        until = defence_until or default_defence_until(today)
        if until <= today:
            raise InvalidEntry("defence_until")
        entry.defence_until = until
        return {"defence_until": str(entry.defence_until)}
    if name == "approve_listing":
        entry.listed_on = entry.listed_on or today  # an imported entry keeps its published date
        link_registry(entry)
        return {"listed_on": str(entry.listed_on)}
    if name == "approve_removal":
        request = _last_event_into(entry, B.REMOVAL_REQUESTED)
        entry.removed_on, entry.removal_reason = today, request.note if request else ""
        return {"removed_on": str(entry.removed_on), "removal_reason": entry.removal_reason}
    return {}


def _refused_back_to(entry: BlacklistEntry) -> BlacklistState:
    """Where a refused removal returns: the state the request came from."""
    request = _last_event_into(entry, B.REMOVAL_REQUESTED)
    return request.from_state if request and request.from_state else B.LISTED


def _event(entry: BlacklistEntry, moved: workflow.Moved, actor: User) -> BlacklistEvent:
    """The entry's history: every step is an event."""
    event = BlacklistEvent(entry_id=entry.id, at=moved.at, from_state=moved.from_state, to_state=moved.to_state,
                           actor_id=actor.id, note=moved.reason)
    db.session.add(event)
    return event


STEPS = Workflow("blacklist_entry", "blacklist", STEP_TABLE, authors=requesters, history=_event)


def take(entry: BlacklistEntry, name: str, actor: User, note: str = "", defence_until: dt.date | None = None,
         now: dt.datetime | None = None, valid_until: dt.date | None = None) -> BlacklistEvent:
    """Take one step of the procedure on an entry; raises when the table or a rule refuses, and
    then nothing changes. `valid_until` is the last day of the listing's validity, given when
    listing is requested (none: no validity period) and required to keep an entry at its review."""
    target = _refused_back_to(entry) if name == "refuse_removal" and name in STEPS else None
    note = clean_text(note)
    moved = STEPS.take(entry, name, actor, note, target=target, now=now,
                       change=lambda moment: _apply(name, entry, clock.local_date(moment), defence_until,
                                                    valid_until, note.strip()))
    return moved.entry


# ---- Lists -------------------------------------------------------------------------------------

def in_jurisdiction(user: User, state: BlacklistState | None = None):
    """The query for the jurisdiction's entries, latest change first."""
    return workflow.in_jurisdiction(BlacklistEntry, user, state).order_by(BlacklistEntry.updated_at.desc(),
                                                                          BlacklistEntry.id.desc())


def due_in_jurisdiction(user: User, today: dt.date):
    """The query for the jurisdiction's entries due for their validity review, longest overdue first."""
    return (workflow.in_jurisdiction(BlacklistEntry, user)
            .where(BlacklistEntry.state.in_((B.LISTED, B.RECTIFYING)), BlacklistEntry.valid_until <= today)
            .order_by(BlacklistEntry.valid_until, BlacklistEntry.id))


def counts(user: User) -> dict[BlacklistState, int]:
    """How many entries of the jurisdiction are in each state."""
    return workflow.counts(BlacklistEntry, user, BlacklistState)


def history(entry: BlacklistEntry) -> list[BlacklistEvent]:
    """Every step of the entry, oldest first, with the people who took them."""
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(select(BlacklistEvent).where(BlacklistEvent.entry_id == entry.id)
                                   .options(selectinload(BlacklistEvent.actor)).order_by(BlacklistEvent.id)))
