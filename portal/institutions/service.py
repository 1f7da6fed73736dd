"""Searching and maintaining the registry."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.forms import clean_text
from portal.identifiers import clean
from portal.institutions.models import Institution, InstitutionKind
from portal.pagination import Page, paginate

MAX_QUERY_LENGTH = 100
USCC_FRAGMENT = re.compile(r"^[0-9A-Z]{4,18}$")
MAX_ID = 2**31 - 1


class InstitutionNotFound(LookupError):
    """No institution has that id."""


@dataclass(frozen=True)
class InstitutionQuery:
    """What a person searches the registry for; every part is optional."""

    text: str = ""
    region_prefix: str | None = None
    kind: InstitutionKind | None = None

    @classmethod
    def from_input(cls, text: str | None, region_prefix: str | None = None,
                   kind: str | None = None) -> "InstitutionQuery":
        """Build a query from raw input: text trimmed and cut, unknown kinds ignored."""
        kinds = {k.value: k for k in InstitutionKind}
        return cls(clean_text(text)[:MAX_QUERY_LENGTH], region_prefix, kinds.get(kind or ""))


def build_query(query: InstitutionQuery) -> Select:
    """The SELECT for a registry search: name substring or USCC prefix, region, kind."""
    stmt = select(Institution).options(selectinload(Institution.region))
    if query.text:
        matches = [Institution.name.contains(query.text, autoescape=True)]
        code = clean(query.text)
        if USCC_FRAGMENT.match(code):
            matches.append(Institution.uscc.startswith(code, autoescape=True))
        stmt = stmt.where(or_(*matches))
    if query.region_prefix:
        stmt = stmt.where(Institution.region_code.startswith(query.region_prefix, autoescape=True))
    if query.kind:
        stmt = stmt.where(Institution.kind == query.kind)
    return stmt.order_by(Institution.name, Institution.id)


def search(query: InstitutionQuery, page: int, page_size: int) -> Page[Institution]:
    """One page of institutions matching the query, regions loaded alongside."""
    return paginate(build_query(query), page, page_size)


def get(institution_id: int) -> Institution:
    """The institution with this id, its region loaded."""
    if not 1 <= institution_id <= MAX_ID:
        raise InstitutionNotFound(institution_id)
    stmt = select(Institution).options(selectinload(Institution.region)).where(
        Institution.id == institution_id)
    institution = db.session.scalar(stmt)
    if institution is None:
        raise InstitutionNotFound(institution_id)
    return institution


def resolve(text: str, limit: int = 8) -> tuple[Institution | None, list[Institution]]:
    """One institution for what a reporter typed (exact USCC or name), or candidates to pick."""
    text = clean_text(text)[:MAX_QUERY_LENGTH]
    if not text:
        return None, []
    code = clean(text)
    if USCC_FRAGMENT.match(code) and len(code) == 18:
        exact = db.session.scalar(select(Institution).where(Institution.uscc == code))
        if exact is not None:
            return exact, []
    candidates = list(db.session.scalars(build_query(InstitutionQuery(text)).limit(limit)))
    named = [i for i in candidates if i.name == text]
    if len(named) == 1:
        return named[0], []
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates
