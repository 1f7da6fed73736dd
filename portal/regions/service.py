"""Finding and loading divisions. Every caller (forms, filters, API, CLI) goes through here."""
from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import case, or_, select, true
from sqlalchemy.orm.attributes import set_committed_value

from portal.errors import NotFound
from portal.extensions import db
from portal.regions.models import Region, RegionLevel
from portal.text import clean_text

DATA_FILE = Path(__file__).resolve().parent / "data" / "gbt2260.csv"
MAX_QUERY_LENGTH = 40
CODE_PATTERN = re.compile(r"[0-9]{6}")
# The national jurisdiction: not a GB/T 2260 division, but the region of accounts whose jurisdiction is
# the whole country (the national rules and the holiday table are theirs). Never a place of a record.
COUNTRY_CODE = "000000"


class RegionNotFound(NotFound):
    """No division has that code."""


@dataclass(frozen=True)
class RegionRow:
    code: str
    name_zh: str
    name_en: str
    level: RegionLevel
    parent_code: str | None


def get(code: str) -> Region:
    """The division with this code, current or old."""
    region = db.session.get(Region, code) if CODE_PATTERN.fullmatch(code or "") else None
    if region is None:
        raise RegionNotFound(code)
    return region


def code_within(column, region: Region):
    """The condition that a code column lies inside `region`, as an index reads it under any
    collation: the county's own code, or the range of its prefix (a LIKE 'prefix%' uses a plain
    index only under the C collation)."""
    prefix = region.scope_prefix
    if not prefix:
        return true()
    if len(prefix) == len(region.code):
        return column == region.code
    return column.between(prefix.ljust(len(region.code), "0"), prefix.ljust(len(region.code), "9"))


def search(text: str, levels: Iterable[RegionLevel] | None = None, limit: int = 10) -> list[Region]:
    """Divisions whose code starts with, or whose path contains, every word typed.

    Exact codes and names that start with the text come first; current codes before old ones.
    """
    words = clean_text(text)[:MAX_QUERY_LENGTH].split()
    if not words:
        return []
    query = select(Region).where(Region.level != RegionLevel.COUNTRY)
    for word in words:
        query = query.where(or_(
            Region.code.startswith(word, autoescape=True),
            Region.path_zh.contains(word, autoescape=True),
            Region.path_en.ilike(f"%{_escape_like(word)}%", escape="\\"),
        ))
    if levels:
        query = query.where(Region.level.in_(list(levels)))
    first = words[0]
    rank = case(
        (Region.code == first, 0),
        (Region.name_zh.startswith(first, autoescape=True), 1),
        (Region.name_en.ilike(f"{_escape_like(first)}%", escape="\\"), 1),
        else_=2,
    )
    query = query.order_by(Region.current.desc(), rank, Region.code).limit(limit)
    return list(db.session.scalars(query))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve(text: str, levels: Iterable[RegionLevel] | None = None) -> tuple[Region | None, list[Region]]:
    """Turn what a person typed into one division, or the candidates to choose from.

    A code or a unique match resolves; an exact name beats partial matches.
    """
    text = clean_text(text)[:MAX_QUERY_LENGTH]
    if CODE_PATTERN.fullmatch(text):
        region = db.session.get(Region, text)
        if region is not None and region.level is not RegionLevel.COUNTRY \
                and (not levels or region.level in set(levels)):
            return region, []
    candidates = search(text, levels, limit=12)
    exact = [r for r in candidates if text in (r.name_zh, r.name_en, r.path_zh, r.path_en)]
    if len(exact) == 1:
        return exact[0], []
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates


def children(code: str | None) -> list[Region]:
    """The current divisions directly inside `code` (the provinces when `code` is None)."""
    query = select(Region).where(Region.current.is_(True))
    if code is None:
        query = query.where(Region.level == RegionLevel.PROVINCE)
    else:
        query = query.where(Region.parent_code == code)
    return list(db.session.scalars(query.order_by(Region.code)))


def by_codes(codes: Iterable[str]) -> dict[str, Region]:
    """Several divisions at once (one query), for lists that show many places."""
    wanted = set(codes)
    if not wanted:
        return {}
    return {r.code: r for r in db.session.scalars(select(Region).where(Region.code.in_(wanted)))}


def attach(records: list) -> None:
    """Give each record of a page (anything mapped with `region_code` and a `region` relationship)
    its region from one plain query by code. SQLAlchemy's select-in load does the same with several
    times the work in Python (a fifth of a whole list request in the profile), and a join would be
    made, on SQLite, for every matching row before the sort and the limit."""
    places = by_codes(record.region_code for record in records)
    for record in records:
        set_committed_value(record, "region", places.get(record.region_code))


def is_national(code: str) -> bool:
    """Whether a jurisdiction is the whole country."""
    return get(code).level is RegionLevel.COUNTRY


def province_of(code: str) -> str:
    """The province prefix (two digits) of a division, or "" for the country."""
    return "" if code == COUNTRY_CODE else code[:2]


def lineage(region: Region) -> list[Region]:
    """The division and its ancestors, from the province down."""
    chain = [region]
    while chain[0].parent_code:
        chain.insert(0, db.session.get(Region, chain[0].parent_code))
    return chain


def read_rows(path: Path = DATA_FILE) -> Iterator[RegionRow]:
    """Rows of the shipped data file; `#` lines are its provenance header."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            yield RegionRow(row["code"], row["name_zh"], row["name_en"],
                            RegionLevel(row["level"]), row["parent_code"] or None)


def data_fingerprint(path: Path = DATA_FILE) -> str:
    """A short hash of the data file, to skip loading when nothing changed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def load(path: Path = DATA_FILE) -> tuple[int, int, int]:
    """Upsert the table from the data file; codes missing from it are kept and marked old.

    Returns (added, changed, retired).
    """
    rows = {row.code: row for row in read_rows(path)}
    rows[COUNTRY_CODE] = RegionRow(COUNTRY_CODE, "全国", "Whole country", RegionLevel.COUNTRY, None)
    existing = {r.code: r for r in db.session.scalars(select(Region))}
    added = changed = 0
    for code in sorted(rows):  # parents sort before their children
        values = _row_values(rows[code], rows)
        region = existing.get(code)
        if region is None:
            db.session.add(Region(code=code, **values))
            added += 1
        elif any(getattr(region, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(region, key, value)
            changed += 1
    retired = 0
    for code, region in existing.items():
        if code not in rows and region.current:
            region.current = False
            retired += 1
    db.session.flush()
    return added, changed, retired


def _row_values(row: RegionRow, rows: dict[str, RegionRow]) -> dict:
    chain = [row]
    while chain[0].parent_code:
        chain.insert(0, rows[chain[0].parent_code])
    return {
        "name_zh": row.name_zh, "name_en": row.name_en, "level": row.level,
        "parent_code": row.parent_code, "current": True,
        "path_zh": "".join(r.name_zh for r in chain),
        "path_en": ", ".join(r.name_en for r in reversed(chain)),
    }


def load_report() -> str:
    """Load the shipped table and say what changed (the demo seed's line)."""
    added, changed, _retired = load()
    return f"{added} added, {changed} changed"


def counties_within(code: str) -> list[Region]:
    """The counties of a jurisdiction: the county itself, a city's counties, or a province's."""
    region = get(code)
    if region.level is RegionLevel.COUNTY:
        return [region]
    found = children(region.code)
    if region.level is RegionLevel.PROVINCE:
        found = [county for city in found for county in children(city.code)]
    return found
