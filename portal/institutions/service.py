"""Searching and maintaining the registry."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, delete, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from portal import clock
from portal.errors import NotFound
from portal.extensions import db
from portal.identifiers import clean
from portal.institutions import whitelist
from portal.institutions.models import GRAM_KIND, Institution, InstitutionKind
from portal.pagination import Page
from portal.search import grams
from portal.search.models import NameGram
from portal.search.pages import paginate_capped
from portal.text import clean_text

MAX_QUERY_LENGTH = 100
USCC_FRAGMENT = re.compile(r"^[0-9A-Z]{4,18}$")
MAX_ID = 2**31 - 1


class InstitutionNotFound(NotFound, LookupError):
    """No institution has that id (a LookupError too, for callers that look one up by what was typed)."""


@dataclass(frozen=True)
class InstitutionQuery:
    """What a person searches the registry for; every part is optional."""

    text: str = ""
    region_prefix: str | None = None
    kind: InstitutionKind | None = None
    whitelisted_only: bool = False

    @classmethod
    def from_input(cls, text: str | None, region_prefix: str | None = None,
                   kind: str | None = None, whitelisted_only: bool = False) -> "InstitutionQuery":
        """Build a query from raw input: text trimmed and cut, unknown kinds ignored."""
        kinds = {k.value: k for k in InstitutionKind}
        return cls(clean_text(text)[:MAX_QUERY_LENGTH], region_prefix, kinds.get(kind or ""), whitelisted_only)


def code_range(column, prefix: str, length: int) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range an index answers on every database (LIKE 'x%'
    does not on SQLite, nor on PostgreSQL outside the C collation)."""
    return column.between(prefix, prefix + "Z" * (length - len(prefix)))


def _code_matches(text: str, code: str) -> tuple[ColumnElement[bool], tuple | None]:
    """A fragment that may be a USCC's start: the codes in its range and the names holding it; and
    the order when not by name (codes in code order, from their index, when no name holds it)."""
    named = grams.name_match(GRAM_KIND, Institution.id, Institution.name, text)
    coded = code_range(Institution.uscc, code, 18)
    if named is None or named.none:
        return coded, (Institution.uscc, Institution.id)
    if named.ids is None:
        return or_(named.condition, coded), None
    # One IN over both indexes' ids: an OR of the two conditions would read every row.
    either = union(named.ids, select(Institution.id).where(coded))
    return Institution.id.in_(either) & or_(named.contains, coded), None


def named_like(institution_id, free_name, fragment: str) -> ColumnElement[bool]:
    """Records (cases, leads) about an institution whose name contains `fragment`: a registered one
    (`institution_id`) through the name index, or one known only by the name given (`free_name`).
    The registered ones are one list of ids from the index (a hashed IN), never a read of every name."""
    ids = grams.containing(GRAM_KIND, Institution.id, Institution.name, fragment)
    given = free_name.contains(fragment, autoescape=True)
    return given if ids is None else or_(institution_id.in_(ids), given)


def _filtered(query: InstitutionQuery, today: dt.date) -> tuple[Select, int | None]:
    stmt = select(Institution).options(joinedload(Institution.region), *whitelist.loaded_standing(today))
    known, order = None, (Institution.name, Institution.id)
    # A name fragment walks its rarest gram's index entries in name order (grams.walk); a fragment
    # that may be a USCC's start looks in both indexes.
    code = clean(query.text)
    if USCC_FRAGMENT.match(code):
        matches, by_code = _code_matches(query.text, code)
        stmt, order = stmt.where(matches), by_code or order
    elif (walk := grams.walk(GRAM_KIND, Institution.id, Institution.name, query.text)) is not None:
        stmt = stmt.join(NameGram, walk.joined)
        stmt = stmt if walk.where is None else stmt.where(walk.where)
        known, order = walk.count, walk.order
    if query.region_prefix:
        stmt = stmt.where(code_range(Institution.region_code, query.region_prefix, 6))
    if query.kind:
        stmt = stmt.where(Institution.kind == query.kind)
    if query.whitelisted_only:
        stmt = stmt.where(whitelist.whitelisted(today))
    if query.region_prefix or query.kind or query.whitelisted_only:
        known = None
    return stmt.order_by(*order), known


def build_query(query: InstitutionQuery, today: dt.date | None = None) -> Select:
    """The SELECT for a registry search: name fragment or USCC prefix, region, kind, whitelist."""
    return _filtered(query, today or clock.today())[0]


def search(query: InstitutionQuery, page: int, page_size: int, today: dt.date | None = None) -> Page[Institution]:
    """One page of institutions matching the query, regions and whitelist standing loaded
    alongside; matches are counted up to a cap ("more than 1,000"), from the name index alone
    when a short fragment is all there is to it."""
    stmt, known = _filtered(query, today or clock.today())
    return paginate_capped(stmt, page, page_size, known=known)


def get(institution_id: int) -> Institution:
    """The institution with this id, its region and premises loaded."""
    if not 1 <= institution_id <= MAX_ID:
        raise InstitutionNotFound(institution_id)
    stmt = select(Institution).options(selectinload(Institution.region), selectinload(Institution.premises)).where(
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


def reindex_names() -> int:
    """Rebuild the name index of every institution; returns how many were indexed."""
    records = list(db.session.execute(select(Institution.id, Institution.name)))
    db.session.execute(delete(NameGram).where(NameGram.kind == GRAM_KIND))
    grams.index(GRAM_KIND, records)
    return len(records)
