"""An entry's history in words: what each step was, and which steps the public sees."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString

from portal.blacklist.models import BlacklistEvent, BlacklistState
from portal.i18n import _l

B = BlacklistState


@dataclass(frozen=True)
class Kind:
    label: LazyString
    public: bool  # shown on the public page (never with the officer's name)
    public_note: bool = False  # and its note with it


IMPORTED = Kind(_l("Listed from a published list"), True, True)
IMPORTED_FOR_REVIEW = Kind(_l("Imported from a published list for review"), True, True)
PROPOSED = Kind(_l("Proposed for the list"), False)
NOTICE = Kind(_l("Notice sent: defence period"), False)
LISTING_REQUESTED = Kind(_l("Listing requested"), False)
DROPPED = Kind(_l("Not listed"), False)
LISTED = Kind(_l("Listed after review"), True)
LISTING_RETURNED = Kind(_l("Listing returned"), False)
RECTIFYING = Kind(_l("Rectifying"), True)
REMOVAL_REQUESTED = Kind(_l("Removal requested"), True)
REMOVED = Kind(_l("Removed after review"), True)
REMOVAL_REFUSED = Kind(_l("Removal refused"), True)
KEPT = Kind(_l("Kept on the list at the validity review"), True)
REMOVED_AT_REVIEW = Kind(_l("Removed at the validity review"), True, True)


def kind(event: BlacklistEvent) -> Kind:
    """What an event was, from the states it moved between."""
    if event.from_state is None:
        return {B.LISTED: IMPORTED, B.LISTING_REVIEW: IMPORTED_FOR_REVIEW}.get(event.to_state, PROPOSED)
    if event.from_state is B.REMOVAL_REQUESTED:
        return REMOVED if event.to_state is B.REMOVED else REMOVAL_REFUSED
    if event.from_state in (B.LISTED, B.RECTIFYING) and event.to_state in (event.from_state, B.REMOVED):
        return KEPT if event.to_state is event.from_state else REMOVED_AT_REVIEW
    if event.from_state is B.LISTING_REVIEW:
        return LISTED if event.to_state is B.LISTED else LISTING_RETURNED
    return {B.NOTICE: NOTICE, B.LISTING_REVIEW: LISTING_REQUESTED, B.DROPPED: DROPPED, B.RECTIFYING: RECTIFYING,
            B.REMOVAL_REQUESTED: REMOVAL_REQUESTED}.get(event.to_state, PROPOSED)


def public_events(events: list[BlacklistEvent]) -> list[tuple[BlacklistEvent, Kind]]:
    """The steps the public sees, oldest first."""
    return [(event, k) for event in events if (k := kind(event)).public]
