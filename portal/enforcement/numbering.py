"""立案编号: the configured pattern (`PORTAL_ENFORCEMENT_NUMBER_PATTERN`), one sequence per office
and year, taken in one atomic upsert so two officers opening cases at once never share a number."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from portal.enforcement.models import EnforcementCounter
from portal.extensions import db
from portal.regions import service as regions

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# An office's short name drops the level word: 西湖区 → 西湖, 桐庐县 → 桐庐, 杭州市 → 杭州.
LEVEL_SUFFIXES = ("自治县", "自治旗", "自治州", "地区", "区", "县", "市", "旗", "盟", "省")


def short_name(name: str) -> str:
    """The office's name without its level word, when two characters or more remain."""
    for suffix in LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def next_sequence(office_code: str, year: int) -> int:
    """The office's next sequence number in the year. On PostgreSQL the upsert locks the counter
    row until the transaction ends, so concurrent 立案 decisions queue for it; on SQLite every
    write transaction already holds the write lock."""
    insert = INSERTS[db.session.get_bind().dialect.name]
    statement = (insert(EnforcementCounter).values(office_code=office_code, year=year, last=1)
                 .on_conflict_do_update(index_elements=[EnforcementCounter.office_code, EnforcementCounter.year],
                                        set_={"last": EnforcementCounter.last + 1})
                 .returning(EnforcementCounter.last))
    return db.session.execute(statement).scalar_one()


def next_number(office_code: str, year: int) -> str:
    """The next 立案编号 of the office in the year, as the configured pattern writes it."""
    office = regions.get(office_code)
    return current_app.config["ENFORCEMENT_NUMBER_PATTERN"].format(
        region_short=short_name(office.name_zh), region_name=office.name_zh, region_code=office.code, year=year,
        seq=next_sequence(office_code, year))
