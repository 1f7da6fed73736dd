"""Name search by any fragment through the n-gram table (NameGram).

Every searchable name is cut into all its substrings of one, two and three characters. A
fragment of up to three characters is then one exact lookup in the table's primary key; a
longer one is the intersection of the trigrams that cover it, then checked against the name
itself. The same plain table works on SQLite and PostgreSQL, and answers the one- and
two-character searches that trigram indexes (FTS5 trigram, pg_trgm) cannot.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import Select, delete, insert, intersect, select

from portal.extensions import db
from portal.search.models import NameGram

MAX_GRAM = 3


def normalise(text: str) -> str:
    """Full-width to half-width, case folded, spaces removed: how names are cut and matched."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def grams_of(name: str) -> set[str]:
    """Every substring of one to three characters of the normalised name."""
    text = normalise(name)
    return {text[start:start + size] for size in range(1, MAX_GRAM + 1)
            for start in range(len(text) - size + 1)}


def index(kind: str, records: Iterable[tuple[int, str]]) -> None:
    """(Re)index the names of these records of one kind, replacing what was there."""
    records = list(records)
    if not records:
        return
    ids = [ref_id for ref_id, _name in records]
    for start in range(0, len(ids), 500):
        db.session.execute(delete(NameGram).where(NameGram.kind == kind, NameGram.ref_id.in_(ids[start:start + 500])))
    rows = [{"gram": gram, "kind": kind, "ref_id": ref_id} for ref_id, name in records for gram in grams_of(name)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(NameGram), rows[start:start + 5000])


def covering_trigrams(fragment: str) -> list[str]:
    """Trigrams that together cover the fragment: every third one, and the last."""
    starts = list(range(0, len(fragment) - MAX_GRAM + 1, MAX_GRAM))
    if starts[-1] != len(fragment) - MAX_GRAM:
        starts.append(len(fragment) - MAX_GRAM)
    return [fragment[start:start + MAX_GRAM] for start in starts]


def candidates(kind: str, fragment: str) -> Select | None:
    """A SELECT of the ids of records of this kind whose name may contain the fragment (exactly
    those that do, for up to three characters); None when the fragment is empty."""
    text = normalise(fragment)
    if not text:
        return None
    if len(text) <= MAX_GRAM:
        return select(NameGram.ref_id).where(NameGram.gram == text, NameGram.kind == kind)
    parts = [select(NameGram.ref_id).where(NameGram.gram == gram, NameGram.kind == kind)
             for gram in covering_trigrams(text)]
    return intersect(*parts) if len(parts) > 1 else parts[0]


def needs_recheck(fragment: str) -> bool:
    """True when candidates() may include names that do not contain the fragment."""
    return len(normalise(fragment)) > MAX_GRAM
