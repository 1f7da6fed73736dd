"""What the public sees of the blacklist: listed entries (and removed ones, marked), searched by
any fragment of a name, a USCC, an area and a reason; one entry with its public history."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Select, or_, select, union
from sqlalchemy.orm import selectinload

from portal.blacklist import history
from portal.blacklist.models import (
    ACTIVE_STATES,
    PUBLIC_STATES,
    BlacklistEntry,
    BlacklistEvent,
    BlacklistReason,
    BlacklistState,
)
from portal.blacklist.service import GRAM_KIND, MAX_ID
from portal.errors import NotFound
from portal.extensions import db
from portal.identifiers import clean
from portal.institutions.service import code_range
from portal.pagination import Page
from portal.regions import service as regions
from portal.search import grams
from portal.search.pages import paginate_capped
from portal.text import clean_text

MAX_QUERY_LENGTH = 100
USCC_FRAGMENT = re.compile(r"^[0-9A-Z]{4,18}$")
EXPORT_LIMIT = 10_000
FEED_SIZE = 50


class EntryNotFound(NotFound, LookupError):
    """No entry with that id is on the public list (or none exists: the same answer)."""


@dataclass(frozen=True)
class BlacklistQuery:
    """What a person searches the list for; every part is optional."""

    text: str = ""
    region_prefix: str | None = None
    reason: BlacklistReason | None = None
    include_removed: bool = False

    @classmethod
    def from_input(cls, text: str | None, region_prefix: str | None = None, reason: str | None = None,
                   include_removed: bool = False) -> "BlacklistQuery":
        """Build a query from raw input: text trimmed and cut, an unknown reason ignored."""
        reasons = {member.value: member for member in BlacklistReason}
        return cls(clean_text(text)[:MAX_QUERY_LENGTH], region_prefix, reasons.get(reason or ""), include_removed)


def _text_matches(text: str):
    """Name fragment through the name index (as the registry search does), or USCC prefix as a
    range an index answers."""
    named = grams.name_match(GRAM_KIND, BlacklistEntry.id, BlacklistEntry.name, text)
    code = clean(text)
    if not USCC_FRAGMENT.match(code):
        return named.condition
    coded = code_range(BlacklistEntry.uscc, code, 18)
    if named.ids is None:
        return or_(named.condition, coded)
    # One IN over both indexes' ids: an OR of the two conditions would read every row.
    either = union(named.ids, select(BlacklistEntry.id).where(coded))
    return BlacklistEntry.id.in_(either) & or_(named.contains, coded)


def _filtered(query: BlacklistQuery) -> Select:
    states = PUBLIC_STATES if query.include_removed else ACTIVE_STATES
    stmt = select(BlacklistEntry).where(BlacklistEntry.state.in_(states))
    if query.text:
        stmt = stmt.where(_text_matches(query.text))
    if query.region_prefix:
        stmt = stmt.where(code_range(BlacklistEntry.region_code, query.region_prefix, 6))
    if query.reason:
        stmt = stmt.where(BlacklistEntry.reason == query.reason)
    return stmt.order_by(BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc())


def search(query: BlacklistQuery, page: int, size: int) -> Page[BlacklistEntry]:
    """One page of public entries matching the query, latest listing first; matches counted up
    to a cap ("more than 1,000")."""
    found = paginate_capped(_filtered(query), page, size)
    regions.attach(found.items)
    return found


def for_csv(query: BlacklistQuery) -> list[BlacklistEntry]:
    """Every public entry matching the query (up to a limit), for a download."""
    return list(db.session.scalars(_filtered(query).options(selectinload(BlacklistEntry.region))
                                   .limit(EXPORT_LIMIT)))


def latest(limit: int = FEED_SIZE) -> list[BlacklistEntry]:
    """The public entries changed most recently (listed, rectifying, removed), for the feed."""
    stmt = (select(BlacklistEntry).where(BlacklistEntry.state.in_(PUBLIC_STATES))
            .options(selectinload(BlacklistEntry.region))
            .order_by(BlacklistEntry.updated_at.desc(), BlacklistEntry.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def get_public(entry_id: int) -> BlacklistEntry:
    """The entry with this id if it is on the public list (removed ones included)."""
    if not 1 <= entry_id <= MAX_ID:
        raise EntryNotFound(entry_id)
    entry = db.session.scalar(select(BlacklistEntry).where(BlacklistEntry.id == entry_id,
                                                           BlacklistEntry.state.in_(PUBLIC_STATES))
                              .options(selectinload(BlacklistEntry.region)))
    if entry is None:
        raise EntryNotFound(entry_id)
    return entry


def public_history(entry: BlacklistEntry) -> list[tuple[BlacklistEvent, history.Kind]]:
    """The steps of the entry the public sees, oldest first (no officer's name)."""
    events = list(db.session.scalars(select(BlacklistEvent).where(BlacklistEvent.entry_id == entry.id)
                                     .order_by(BlacklistEvent.id)))
    return history.public_events(events)


def linked_disclosures(entry: BlacklistEntry, today: dt.date) -> list:
    """The published penalty disclosures whose decision numbers the entry names."""
    from portal.disclosures import queries as disclosures
    from portal.disclosures.models import Disclosure

    numbers = entry.decision_number_list
    if not numbers:
        return []
    rows = db.session.scalars(select(Disclosure).where(Disclosure.decision_number.in_(numbers),
                                                       disclosures.visible(today))
                              .options(selectinload(Disclosure.region)))
    return [disclosures.PublicDisclosure.of(row) for row in rows]


def is_removed(entry: BlacklistEntry) -> bool:
    return entry.state is BlacklistState.REMOVED
