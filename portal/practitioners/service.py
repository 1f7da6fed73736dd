"""The register of banned practitioners: entries made by staff from a published penalty decision
that carries an occupational ban (限制从业; lifelong: 终身禁入), the exact check by name and ID
number (every check audited: who, when, what it found; never the name or the number), lists by
name within a jurisdiction, an early end when the decision is revoked, and links from blacklist
entries listed for employing a banned practitioner.

An entry belongs to the jurisdiction of its decision's office and is seen, lifted and linked only
there (another jurisdiction's entry is not found). A check answers from the whole register: a ban
binds the person wherever they seek work. Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from portal import clock, workflow
from portal.accounts.models import Role, User
from portal.blacklist import service as blacklist
from portal.blacklist.models import BlacklistEntry, BlacklistReason
from portal.disclosures import service as disclosures
from portal.disclosures.models import Disclosure, DisclosureState, PenaltyCategory
from portal.errors import Conflict, Invalid, NotFound
from portal.extensions import db
from portal.practitioners import documents
from portal.practitioners.models import BlacklistLink, DocumentType, PractitionerBan
from portal.security import audit
from portal.text import clean_text

REGISTRARS = frozenset({Role.ADMIN, Role.HANDLER})
READERS = frozenset({Role.ADMIN, Role.HANDLER, Role.REVIEWER})
OBJECT = "practitioner_ban"
SEARCH_MAX = 50


class BanNotFound(NotFound, LookupError):
    """No such entry, or not in the person's jurisdiction: the same answer for both."""


class InvalidBan(Invalid):
    """A field that cannot be stored; args[0] names it ("decision_number", "ends_on", …)."""


class AlreadyRegistered(Conflict):
    """The same person is already registered under the same decision; args[0] is that entry's id."""


class AlreadyLifted(Conflict):
    """The ban was already ended early."""


class NotForPractitioners(Conflict):
    """The blacklist entry's reason is not employing a banned practitioner."""


class AlreadyLinked(Conflict):
    """The blacklist entry already names a register entry."""


@dataclass
class BanData:
    """An entry as an officer gives it; `number` is what they typed (cleaned and hashed here)."""

    decision_number: str
    name: str
    document_type: DocumentType
    number: str
    lifelong: bool
    starts_on: dt.date
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class CheckResult:
    """What a check found: the bans in force on the day, and the other entries of that person."""

    on: dt.date
    masked: str  # the number checked, as it may be shown
    in_force: list[PractitionerBan]
    others: list[PractitionerBan]  # matched, not in force that day (ended, lifted, not begun)


def for_staff(user: User, ban_id: int) -> PractitionerBan:
    """An entry inside the user's jurisdiction, with its decision (else not found)."""
    return workflow.for_staff(PractitionerBan, user, ban_id, BanNotFound, selectinload(PractitionerBan.disclosure),
                              selectinload(PractitionerBan.created_by))


def _decision(actor: User, number: str) -> Disclosure:
    """The published decision of the actor's jurisdiction with this number, carrying an occupational ban."""
    found = db.session.scalar(disclosures.in_jurisdiction(actor).where(Disclosure.decision_number == number.strip()))
    if found is None or found.state is not DisclosureState.PUBLISHED:
        raise InvalidBan("decision_number")
    if PenaltyCategory.OCCUPATIONAL_BAN not in found.penalty_list:
        raise InvalidBan("not_a_ban")
    return found


def _check_period(data: BanData, decision: Disclosure) -> None:
    if data.starts_on < decision.decision_date:
        raise InvalidBan("starts_on")
    if data.lifelong and not decision.lifelong:
        raise InvalidBan("lifelong")
    if data.lifelong and data.ends_on is not None:
        raise InvalidBan("ends_on_lifelong")
    if not data.lifelong and (data.ends_on is None or data.ends_on < data.starts_on):
        raise InvalidBan("ends_on")


def register(actor: User, data: BanData, now: dt.datetime | None = None) -> PractitionerBan:
    """Enter a banned person in the register, from a published decision of the actor's jurisdiction
    that carries an occupational ban; by a handler or an administrator. Raises InvalidBan (naming
    the field) or AlreadyRegistered, and then nothing is stored."""
    workflow.require(actor, REGISTRARS, "register")
    name = clean_text(data.name).strip()
    if not name or len(name) > documents.NAME_MAX:
        raise InvalidBan("name")
    try:
        number = documents.clean_number(data.document_type, data.number)
    except documents.InvalidNumber:
        raise InvalidBan("number") from None
    decision = _decision(actor, data.decision_number)
    _check_period(data, decision)
    digest = documents.digest(number)
    same = db.session.scalar(select(PractitionerBan.id).where(PractitionerBan.id_digest == digest,
                                                              PractitionerBan.disclosure_id == decision.id))
    if same is not None:
        raise AlreadyRegistered(same)
    ban = PractitionerBan(region_code=decision.region_code, disclosure_id=decision.id, name=name,
                          document_type=data.document_type, id_digest=digest,
                          id_masked=documents.mask(data.document_type, number), lifelong=data.lifelong,
                          starts_on=data.starts_on, ends_on=data.ends_on, created_by_id=actor.id)
    db.session.add(ban)
    db.session.flush()
    # Neither the name nor the number goes into the audit trail: the entry's number names the person.
    audit.record(f"user:{actor.id}", "practitioner.registered", OBJECT, ban.id, at=now,
                 after={"decision_number": decision.decision_number, "document_type": data.document_type.value,
                        "lifelong": data.lifelong, "starts_on": str(data.starts_on),
                        "ends_on": str(data.ends_on or "")})
    return ban


def lift(ban: PractitionerBan, actor: User, lifted_on: dt.date, reason: str, today: dt.date | None = None) -> None:
    """End a ban early (its decision revoked or changed), from `lifted_on`, with the reason; by a
    handler or an administrator of the entry's jurisdiction. The entry is kept."""
    workflow.require(actor, REGISTRARS, "lift", ban.region_code)
    today = today or clock.today()
    reason = clean_text(reason).strip()
    if ban.lifted_on is not None:
        raise AlreadyLifted(ban.id)
    if not reason:
        raise InvalidBan("reason")
    if not ban.starts_on <= lifted_on <= today:
        raise InvalidBan("lifted_on")
    ban.lifted_on, ban.lift_reason = lifted_on, reason
    db.session.flush()
    audit.record(f"user:{actor.id}", "practitioner.lifted", OBJECT, ban.id,
                 after={"lifted_on": str(lifted_on)}, reason=reason)


def check(actor: User, name: str, document_type: DocumentType, number: str,
          today: dt.date | None = None) -> CheckResult:
    """Whether the person with exactly this name and ID number is under a ban in force today,
    across the whole register. Raises InvalidBan("number") for a number that is not one of the
    document type. Audited: who, the result and the entries found; never the name or number."""
    workflow.require(actor, READERS, "check")
    today = today or clock.today()
    try:
        cleaned = documents.clean_number(document_type, number)
    except documents.InvalidNumber:
        raise InvalidBan("number") from None
    wanted = documents.name_key(clean_text(name))
    matches = [ban for ban in db.session.scalars(
        select(PractitionerBan).where(PractitionerBan.id_digest == documents.digest(cleaned))
        .options(selectinload(PractitionerBan.disclosure)).order_by(PractitionerBan.starts_on.desc()))
        if documents.name_key(ban.name) == wanted]
    result = CheckResult(today, documents.mask(document_type, cleaned),
                         [b for b in matches if b.in_force(today)], [b for b in matches if not b.in_force(today)])
    audit.record(f"user:{actor.id}", "practitioner.checked", "practitioner_register", "check",
                 after={"in_force": bool(result.in_force), "entries": sorted(b.id for b in result.in_force),
                        "other_entries": sorted(b.id for b in result.others)})
    return result


def in_jurisdiction(user: User, name: str = "") -> Select:
    """The jurisdiction's entries whose name contains `name` (all when empty), newest first, with
    their decisions."""
    query = workflow.in_jurisdiction(PractitionerBan, user).options(selectinload(PractitionerBan.disclosure))
    name = clean_text(name).strip()[:SEARCH_MAX]
    if name:
        query = query.where(PractitionerBan.name.contains(name, autoescape=True))
    return query.order_by(PractitionerBan.id.desc())


# ---- Blacklist entries listed for employing a banned practitioner ------------------------------

def linked(entry: BlacklistEntry) -> BlacklistLink | None:
    """The register entry a blacklist entry names, with it loaded; None when none."""
    return db.session.scalar(select(BlacklistLink).where(BlacklistLink.blacklist_entry_id == entry.id)
                             .options(selectinload(BlacklistLink.ban)))


def linkable(entry: BlacklistEntry) -> bool:
    """Whether the entry's reason is employing a banned practitioner (only those name one)."""
    return entry.reason is BlacklistReason.BLACKLISTED_STAFF


def blacklist_entry(user: User, entry_id: int) -> BlacklistEntry:
    """A blacklist entry of the user's jurisdiction (else not found)."""
    return blacklist.for_staff(user, entry_id)


def link_blacklist(actor: User, entry: BlacklistEntry, ban_id: int, now: dt.datetime | None = None) -> BlacklistLink:
    """Name the register entry of the banned person a blacklisted operator employed; by a handler
    or an administrator whose jurisdiction covers both. Raises BanNotFound for an entry number not
    of the jurisdiction, NotForPractitioners or AlreadyLinked."""
    workflow.require(actor, REGISTRARS, "link", entry.region_code)
    if not linkable(entry):
        raise NotForPractitioners(entry.id)
    if linked(entry) is not None:
        raise AlreadyLinked(entry.id)
    ban = for_staff(actor, ban_id)
    now = now or clock.now()
    link = BlacklistLink(blacklist_entry_id=entry.id, ban_id=ban.id, linked_by_id=actor.id, linked_at=now)
    db.session.add(link)
    db.session.flush()
    audit.record(f"user:{actor.id}", "practitioner.linked", OBJECT, ban.id, at=now,
                 after={"blacklist_entry": entry.id})
    audit.record(f"user:{actor.id}", "blacklist.practitioner_linked", "blacklist_entry", entry.id, at=now,
                 after={"practitioner_ban": ban.id})
    return link


def blacklist_entries(ban: PractitionerBan) -> list[BlacklistEntry]:
    """The blacklist entries that name this register entry, oldest link first."""
    return list(db.session.scalars(select(BlacklistEntry).join(
        BlacklistLink, BlacklistLink.blacklist_entry_id == BlacklistEntry.id)
        .where(BlacklistLink.ban_id == ban.id).order_by(BlacklistLink.linked_at)))
