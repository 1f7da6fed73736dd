"""What the blacklist offers other features: its entries on an institution's page, its entries
in force against the whitelist, and the rebuild of its names in the search index."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, delete, exists, select

from portal.blacklist.models import ACTIVE_STATES, PUBLIC_STATES, BlacklistEntry
from portal.blacklist.service import GRAM_KIND
from portal.extensions import db
from portal.institutions.models import Institution
from portal.institutions.offerings import about, same_operator
from portal.search import grams
from portal.search.models import NameGram


def for_institution(institution: Institution, _today: dt.date) -> list[BlacklistEntry]:
    """Its entries on the public blacklist, in force or removed, latest listing first."""
    stmt = (select(BlacklistEntry).where(about(BlacklistEntry, institution), BlacklistEntry.state.in_(PUBLIC_STATES))
            .order_by(BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc()))
    return list(db.session.scalars(stmt))


def blacklisted(_today: dt.date) -> ColumnElement[bool]:
    """A blacklist entry in force (listed, rectifying, removal requested) names this institution."""
    return exists().where(BlacklistEntry.state.in_(ACTIVE_STATES),
                          same_operator(BlacklistEntry.institution_id, BlacklistEntry.uscc))


def reindex_names() -> int:
    """Rebuild the name index of every blacklist entry; returns how many were indexed."""
    records = list(db.session.execute(select(BlacklistEntry.id, BlacklistEntry.name)))
    db.session.execute(delete(NameGram).where(NameGram.kind == GRAM_KIND))
    grams.index(GRAM_KIND, records)
    return len(records)
