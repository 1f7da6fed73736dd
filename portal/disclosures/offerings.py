"""What disclosures offer other features: the decisions on an institution's page, and published
decisions within their period counted against the whitelist."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import joinedload

from portal.disclosures.models import Disclosure, DisclosureState
from portal.disclosures.queries import PublicDisclosure, visible
from portal.extensions import db
from portal.institutions.models import Institution
from portal.institutions.offerings import about, same_operator


def for_institution(institution: Institution, today: dt.date) -> list[PublicDisclosure]:
    """Penalty decisions about it that the public sees today (withdrawn ones marked so)."""
    stmt = (select(Disclosure).where(about(Disclosure, institution), visible(today))
            .options(joinedload(Disclosure.region))  # one query, records or not
            .order_by(Disclosure.decision_date.desc(), Disclosure.id.desc()))
    return [PublicDisclosure.of(row) for row in db.session.scalars(stmt)]


def penalised(today: dt.date) -> ColumnElement[bool]:
    """A penalty decision against this institution is published and in its period today."""
    return exists().where(Disclosure.state == DisclosureState.PUBLISHED, visible(today),
                          same_operator(Disclosure.institution_id, Disclosure.uscc))
