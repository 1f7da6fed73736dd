"""Listed operators the registry does not hold become registry institutions, so a parent searching
for the name finds them and their blacklisting (`registry.service.known_operator`)."""
from __future__ import annotations

from sqlalchemy import select

from portal.blacklist.models import PUBLIC_STATES, BlacklistEntry
from portal.extensions import db
from portal.registry import service as registry


def link_registry(entry: BlacklistEntry) -> None:
    """A listed operator the registry does not know becomes a registry institution (unlicensed unless
    it has a licence on record), so a parent searching for its name finds it, and its blacklisting."""
    if entry.institution_id is None:
        entry.institution_id = registry.known_operator(entry.name, entry.region_code, entry.uscc, entry.address,
                                                       entry.training_type, f"blacklist_entry:{entry.id}").id


def link_all_to_registry() -> int:
    """Link every listed entry that names no institution (entries listed before the registry kept
    known operators); the number linked."""
    unlinked = list(db.session.scalars(select(BlacklistEntry).where(BlacklistEntry.institution_id.is_(None),
                                                                    BlacklistEntry.state.in_(PUBLIC_STATES))))
    for entry in unlinked:
        link_registry(entry)
    db.session.flush()
    return len(unlinked)
