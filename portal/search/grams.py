"""Name search by any fragment through the n-gram table (NameGram).

Every searchable name is cut into all its substrings of one, two and three characters. A
fragment of up to three characters is then one exact lookup in the table's primary key; a
longer one is driven by the rarest trigram that covers it, then checked against the name
itself. The same plain table works on SQLite and PostgreSQL, and answers the one- and
two-character searches that trigram indexes (FTS5 trigram, pg_trgm) cannot; pg_trgm also
drops CJK characters under the C collation.

How a search runs (measured by `benchmarks/search.py` at 100,000 names): the rarest covering
gram is counted first, capped at DENSE rows, which costs one short index range scan (and is the
exact count of a fragment of up to three characters). A fragment rarer than that ("selective")
is answered from the index: at most DENSE ids, then their rows. A common one ("dense", such as
培训 in nearly every name) is answered by scanning the names in display order, which finds a page
of matches after a few rows. Counts stop at a cap (see pages.py): a page says "more than
1,000" instead of counting tens of thousands of rows.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Select, and_, delete, func, insert, literal, select

from portal.extensions import db
from portal.search import pages
from portal.search.models import NameGram

MAX_GRAM = 3
# Up to this many candidates the gram index drives a search; above it the fragment is "dense".
# Measured: reading 3,000 ids and sorting their rows costs about what scanning a third of 100,000
# names for a capped count does, so this is where the two ways of searching cross.
DENSE = 3000


def normalise(text: str) -> str:
    """Full-width to half-width, case folded, spaces removed: how names are cut and matched."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def grams_of(name: str) -> set[str]:
    """Every substring of one to three characters of the normalised name."""
    text = normalise(name)
    return {text[start:start + size] for size in range(1, MAX_GRAM + 1)
            for start in range(len(text) - size + 1)}


def replace(connection: Connection, kind: str, records: Iterable[tuple[int, str]]) -> None:
    """Write the grams of these records on `connection`, replacing what they had (usable inside
    a flush, where the session itself may not run statements)."""
    records = list(records)
    if not records:
        return
    ids = [ref_id for ref_id, _name in records]
    for start in range(0, len(ids), 500):
        connection.execute(delete(NameGram).where(NameGram.kind == kind,
                                                  NameGram.ref_id.in_(ids[start:start + 500])))
    rows = [{"gram": gram, "kind": kind, "ref_id": ref_id, "sort_key": name}
            for ref_id, name in records for gram in grams_of(name)]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(NameGram), rows[start:start + 5000])


def index(kind: str, records: Iterable[tuple[int, str]]) -> None:
    """(Re)index the names of these records of one kind, replacing what was there."""
    replace(db.session.connection(), kind, records)


def drop(connection: Connection, kind: str, ref_ids: Iterable[int]) -> None:
    """Forget the grams of these records."""
    ids = list(ref_ids)
    for start in range(0, len(ids), 500):
        connection.execute(delete(NameGram).where(NameGram.kind == kind,
                                                  NameGram.ref_id.in_(ids[start:start + 500])))


def covering_trigrams(fragment: str) -> list[str]:
    """Trigrams that together cover the fragment: every third one, and the last."""
    starts = list(range(0, len(fragment) - MAX_GRAM + 1, MAX_GRAM))
    if starts[-1] != len(fragment) - MAX_GRAM:
        starts.append(len(fragment) - MAX_GRAM)
    return [fragment[start:start + MAX_GRAM] for start in starts]


def _probes(trigrams: list[str]) -> list[str]:
    """At most three of the covering trigrams (first, middle, last): enough to find a rare one,
    and few statement shapes for the database and SQLAlchemy to cache."""
    if len(trigrams) <= 3:
        return trigrams
    return [trigrams[0], trigrams[len(trigrams) // 2], trigrams[-1]]


def _ids_with(kind: str, gram: str) -> Select:
    return select(NameGram.ref_id).where(NameGram.gram == gram, NameGram.kind == kind)


def _capped_count(kind: str, gram: str, cap: int):
    capped = select(literal(1)).where(NameGram.gram == gram, NameGram.kind == kind).limit(cap).subquery()
    return select(func.count()).select_from(capped).scalar_subquery()


@dataclass(frozen=True)
class Estimate:
    """The rarest gram covering a fragment and how many records have it (counted only so far)."""

    gram: str
    count: int

    @property
    def dense(self) -> bool:
        return self.count > DENSE


def estimate(kind: str, fragment: str) -> Estimate | None:
    """Count the covering grams (each capped, one round trip) and keep the rarest; None for an
    empty fragment."""
    text = normalise(fragment)
    if not text:
        return None
    grams = [text] if len(text) <= MAX_GRAM else _probes(covering_trigrams(text))
    # Counted a little past both thresholds, so a short fragment's count is exact wherever a page
    # shows it (see pages.COUNT_CAP) and says "dense" beyond.
    cap = max(DENSE, pages.COUNT_CAP) + 1
    counts = db.session.execute(select(*[_capped_count(kind, gram, cap) for gram in grams])).one()
    count, gram = min(zip(counts, grams, strict=True))
    return Estimate(gram, count)


def candidates(kind: str, fragment: str) -> Select | None:
    """A SELECT of the ids of records of this kind whose name may contain the fragment (exactly
    those that do, for up to three characters); None when the fragment is empty. A longer
    fragment is driven by its rarest trigram and needs the recheck (see needs_recheck)."""
    text = normalise(fragment)
    if not text:
        return None
    if len(text) <= MAX_GRAM:
        return _ids_with(kind, text)
    return _ids_with(kind, estimate(kind, text).gram)


@dataclass(frozen=True)
class Walk:
    """How to list the records whose name contains a fragment, in name order, from the index: join
    the rarest covering gram's entries (`joined`), keep `where`, order by `order`. The entries of
    one gram are read in name order, so a page is the first few of them whether the fragment is
    rare or in nearly every name, and wherever in the alphabet its names lie. `count`: how many
    names contain it, when the index already says so (up to three characters)."""

    joined: ColumnElement[bool]
    where: ColumnElement[bool] | None
    order: tuple
    count: int | None


def walk(kind: str, id_column, name_column, fragment: str) -> Walk | None:
    """The Walk for "name contains fragment" (None for an empty fragment); `name_column` is the one
    the grams' sort keys copy (`replace` is given the records' names)."""
    text = normalise(fragment)
    if not text:
        return None
    rarest = estimate(kind, text)
    exact = len(text) <= MAX_GRAM
    contains = None if exact else name_column.ilike("%" + _escape(text) + "%", escape="/")
    return Walk(and_(NameGram.ref_id == id_column, NameGram.kind == kind, NameGram.gram == rarest.gram), contains,
                (NameGram.sort_key, NameGram.ref_id), rarest.count if exact else None)


def containing(kind: str, id_column, name_column, fragment: str) -> Select | None:
    """The ids of the records whose name contains the fragment, from the rarest covering gram's
    entries (rechecked against the name beyond three characters) however common it is: for a
    condition on another table's column, which PostgreSQL answers with one hashed list. None for
    an empty fragment."""
    text = normalise(fragment)
    if not text:
        return None
    ids = candidates(kind, text)
    if len(text) <= MAX_GRAM:
        return ids
    return select(id_column).where(id_column.in_(ids), name_column.ilike("%" + _escape(text) + "%", escape="/"))


def needs_recheck(fragment: str) -> bool:
    """True when candidates() may include names that do not contain the fragment."""
    return len(normalise(fragment)) > MAX_GRAM


@dataclass(frozen=True)
class NameMatch:
    """How a query should select the records whose name contains a fragment. `dense`: the
    fragment is common. `count`: how many names contain it, when the index already says so
    (fragments of up to three characters), counted past pages.COUNT_CAP but not much further."""

    condition: ColumnElement[bool]
    dense: bool
    count: int | None = None
    ids: Select | None = None  # the candidates' ids, for a selective fragment
    contains: ColumnElement[bool] | None = None  # the substring test alone
    none: bool = False  # no name can contain it: a gram covering it is in no name


def name_match(kind: str, id_column, name_column, fragment: str) -> NameMatch | None:
    """The condition for "name contains fragment" that suits its rarity: ids from the index for a
    selective fragment, a plain substring test over names read in order for a dense one."""
    text = normalise(fragment)
    if not text:
        return None
    rarest = estimate(kind, text)
    # ILIKE, as the grams are case folded (beyond ASCII and full-width letters only the index
    # folds; Chinese, the point of all this, is the same either way). Not lower(name) LIKE:
    # PostgreSQL estimates ILIKE from the column's statistics, and so reads a dense fragment's
    # matches in name order instead of sorting all of them.
    contains = name_column.ilike("%" + _escape(text) + "%", escape="/")
    count = rarest.count if len(text) <= MAX_GRAM else None
    if rarest.dense:
        return NameMatch(contains, dense=True, count=count, contains=contains)
    ids = _ids_with(kind, rarest.gram)
    condition = id_column.in_(ids)
    return NameMatch(condition & contains if count is None else condition, dense=False, count=count, ids=ids,
                     contains=contains, none=rarest.count == 0)


def _escape(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")
