"""What the public sees of penalty disclosures: the visible ones, searched and masked, and the
enforcement matters catalogue."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.orm import selectinload

from portal import workflow
from portal.casework.models import Category
from portal.disclosures.models import Disclosure, DisclosureState, PartyType, PenaltyCategory, Tier
from portal.errors import NotFound
from portal.extensions import db
from portal.identifiers import clean
from portal.pagination import Page, paginate
from portal.regions import service as regions
from portal.regions.models import Region
from portal.text import clean_text

MAX_ID = workflow.MAX_ID
MAX_QUERY_LENGTH = 100
USCC_FRAGMENT = re.compile(r"^[0-9A-Z]{4,18}$")
EXPORT_LIMIT = 10_000
FEED_SIZE = 50
PUBLIC_STATES = (DisclosureState.PUBLISHED, DisclosureState.WITHDRAWN)


class DisclosureNotFound(NotFound, LookupError):
    """No disclosure with that id is publicly visible today (or none exists: the same answer)."""


def visible(today: dt.date) -> ColumnElement[bool]:
    """Published or withdrawn, and today within the period: on or before the publication end (none
    for a lifelong ban or restriction) and any early end that credit repair set."""
    return and_(Disclosure.state.in_(PUBLIC_STATES),
                or_(Disclosure.publication_end.is_(None), Disclosure.publication_end >= today),
                or_(Disclosure.ended_early_on.is_(None), Disclosure.ended_early_on >= today))


def mask_name(name: str) -> str:
    """An individual's name as the public sees it: the first character, the rest as "*"."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1)


@dataclass(frozen=True)
class PublicDisclosure:
    """A disclosure as published: individuals' names already masked, nothing internal."""

    id: int
    region: Region
    institution_id: int | None
    party_name: str
    party_type: PartyType
    uscc: str | None
    legal_representative: str
    decision_number: str
    violation: Category
    facts: str
    legal_basis: str
    penalties: list[PenaltyCategory]
    penalty_content: str
    fine_amount: Decimal | None
    confiscated_amount: Decimal | None
    decision_date: dt.date
    valid_until: dt.date | None
    tier: Tier
    publication_end: dt.date | None
    ended_early_on: dt.date | None
    authority_name: str
    authority_uscc: str
    data_source: str
    remarks: str
    withdrawn: bool
    withdrawal_reason: str
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    revoked_on: dt.date | None = None  # the day the decision was revoked or changed

    @classmethod
    def of(cls, row: Disclosure) -> "PublicDisclosure":
        """The public face of a row: a natural person's name and an individual business's
        operator masked (the business's own name, its shop name, is shown in full)."""
        person = row.party_type is PartyType.NATURAL_PERSON
        operator = row.party_type in (PartyType.NATURAL_PERSON, PartyType.INDIVIDUAL_BUSINESS)
        return cls(
            id=row.id, region=row.region, institution_id=row.institution_id,
            party_name=mask_name(row.party_name) if person else row.party_name, party_type=row.party_type,
            uscc=row.uscc, legal_representative=mask_name(row.legal_representative) if operator
            else row.legal_representative, decision_number=row.decision_number, violation=row.violation,
            facts=row.facts, legal_basis=row.legal_basis, penalties=row.penalty_list,
            penalty_content=row.penalty_content, fine_amount=row.fine_amount,
            confiscated_amount=row.confiscated_amount, decision_date=row.decision_date,
            valid_until=row.valid_until, tier=row.tier, publication_end=row.publication_end,
            ended_early_on=row.ended_early_on, authority_name=row.authority_name,
            authority_uscc=row.authority_uscc, data_source=row.data_source, remarks=row.remarks,
            withdrawn=row.state is DisclosureState.WITHDRAWN, withdrawal_reason=row.withdrawal_reason,
            published_at=row.published_at, withdrawn_at=row.withdrawn_at, revoked_on=row.revoked_on)

    @property
    def shown_until(self) -> dt.date | None:
        """The last day the public sees it; None while a lifelong ban or restriction lasts."""
        ends = [day for day in (self.publication_end, self.ended_early_on) if day is not None]
        return min(ends) if ends else None


@dataclass(frozen=True)
class DisclosureQuery:
    """What a person searches disclosures for; every part is optional."""

    text: str = ""
    region_prefix: str | None = None
    violation: Category | None = None
    penalty: PenaltyCategory | None = None
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None

    @classmethod
    def from_input(cls, text: str | None, region_prefix: str | None = None, violation: str | None = None,
                   penalty: str | None = None, decided_from: dt.date | None = None,
                   decided_to: dt.date | None = None) -> "DisclosureQuery":
        """Build a query from raw input: text trimmed and cut, unknown categories ignored."""
        violations = {member.value: member for member in Category}
        penalties = {member.value: member for member in PenaltyCategory}
        return cls(clean_text(text)[:MAX_QUERY_LENGTH], region_prefix, violations.get(violation or ""),
                   penalties.get(penalty or ""), decided_from, decided_to)


def _text_matches(text: str) -> ColumnElement[bool]:
    # An individual's full name is never published, so it must not be confirmable by search
    # either: a natural person matches only on the one character the public sees.
    named = and_(Disclosure.party_type != PartyType.NATURAL_PERSON,
                 Disclosure.party_name.contains(text, autoescape=True))
    matches = [named, Disclosure.decision_number.contains(text, autoescape=True)]
    if len(text) == 1:
        matches.append(and_(Disclosure.party_type == PartyType.NATURAL_PERSON,
                            func.substr(Disclosure.party_name, 1, 1) == text))
    code = clean(text)
    if USCC_FRAGMENT.match(code):
        matches.append(Disclosure.uscc.startswith(code, autoescape=True))
    return or_(*matches)


def _filtered(query: DisclosureQuery, today: dt.date) -> Select:
    stmt = select(Disclosure).where(visible(today))
    if query.text:
        stmt = stmt.where(_text_matches(query.text))
    if query.region_prefix:
        stmt = stmt.where(Disclosure.region_code.startswith(query.region_prefix, autoescape=True))
    if query.violation:
        stmt = stmt.where(Disclosure.violation == query.violation)
    if query.penalty:  # a whole value of the comma-separated list, never a part of one
        listed = literal(",") + Disclosure.penalties + literal(",")
        stmt = stmt.where(listed.contains(f",{query.penalty.value},", autoescape=True))
    if query.decided_from:
        stmt = stmt.where(Disclosure.decision_date >= query.decided_from)
    if query.decided_to:
        stmt = stmt.where(Disclosure.decision_date <= query.decided_to)
    return stmt.order_by(Disclosure.decision_date.desc(), Disclosure.id.desc())


def search(query: DisclosureQuery, page: int, size: int, today: dt.date) -> Page[PublicDisclosure]:
    """One page of visible disclosures matching the query, newest decision first."""
    found = paginate(_filtered(query, today), page, size)
    regions.attach(found.items)
    return Page(items=[PublicDisclosure.of(row) for row in found.items], number=found.number,
                size=found.size, total=found.total)


def for_csv(query: DisclosureQuery, today: dt.date) -> list[PublicDisclosure]:
    """Every visible disclosure matching the query (up to a limit), for a download."""
    rows = db.session.scalars(_filtered(query, today).options(selectinload(Disclosure.region)).limit(EXPORT_LIMIT))
    return [PublicDisclosure.of(row) for row in rows]


def latest(today: dt.date, limit: int = FEED_SIZE) -> list[PublicDisclosure]:
    """The most recently published (or withdrawn) visible disclosures, for the feed."""
    changed = func.coalesce(Disclosure.withdrawn_at, Disclosure.published_at)
    stmt = (select(Disclosure).where(visible(today)).options(selectinload(Disclosure.region))
            .order_by(changed.desc(), Disclosure.decision_date.desc(), Disclosure.id.desc()).limit(limit))
    return [PublicDisclosure.of(row) for row in db.session.scalars(stmt)]


def get_public(disclosure_id: int, today: dt.date) -> PublicDisclosure:
    """The disclosure with this id if the public may see it today."""
    if not 1 <= disclosure_id <= MAX_ID:
        raise DisclosureNotFound(disclosure_id)
    row = db.session.scalar(select(Disclosure).where(Disclosure.id == disclosure_id, visible(today))
                            .options(selectinload(Disclosure.region)))
    if row is None:
        raise DisclosureNotFound(disclosure_id)
    return PublicDisclosure.of(row)
