"""Each office's notice settings (authority name, short name, number pattern, second sign-off) and the
number series: one counter per office and year, taken by one atomic upsert."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from portal.accounts.models import Role, User
from portal.errors import Invalid, NotAllowed
from portal.extensions import db
from portal.notices import kinds
from portal.notices.models import NoticeCounter, OfficeSettings
from portal.regions import service as regions
from portal.regions.models import Region, RegionLevel
from portal.security import audit

DEFAULT_PATTERN = "{office_short}教信〔{year}〕{seq}号"
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_SUFFIXES = ("自治县", "自治旗", "区", "县", "市", "旗", "省")


class NotOfficeAdministrator(NotAllowed):
    """Only an administrator of the office itself changes its notice settings."""


class BadPattern(Invalid):
    """The number pattern has an unknown placeholder or lacks {year} or {seq} (args[0] says which)."""


@dataclass(frozen=True)
class Settings:
    region_code: str
    authority: str
    short_name: str
    number_pattern: str
    second_signoff: bool
    stored: bool  # False: the defaults, nobody has saved settings yet


def _place(region: Region) -> str:
    """The name an office's authority starts with: a county with its city (杭州市西湖区)."""
    if region.level is RegionLevel.COUNTY and region.parent_code:
        return regions.get(region.parent_code).name_zh + region.name_zh
    return region.name_zh


def default_authority(region: Region) -> str:
    """The education authority's usual name: 教育局, at province level 教育厅 (教育委员会 in a municipality)."""
    if region.level is RegionLevel.PROVINCE:
        return region.name_zh + ("教育委员会" if region.name_zh.endswith("市") else "教育厅")
    return _place(region) + "教育局"


def government(region_code: str) -> str:
    """The people's government at the office's level: it decides 行政复议 against its departments
    (行政复议法 2023 art. 24)."""
    return _place(regions.get(region_code)) + "人民政府"


def default_short(region: Region) -> str:
    name = region.name_zh
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def settings_for(region_code: str) -> Settings:
    """The office's settings, or the defaults for its region."""
    found = db.session.get(OfficeSettings, region_code)
    if found is not None:
        return Settings(region_code, found.authority, found.short_name, found.number_pattern,
                        found.second_signoff, True)
    region = regions.get(region_code)
    return Settings(region_code, default_authority(region), default_short(region), DEFAULT_PATTERN, False, False)


def superior(region_code: str) -> str:
    """The authority of the office above (复查 and 复核 go there); at the top, the office itself."""
    parent = regions.get(region_code).parent_code
    return settings_for(parent or region_code).authority


def update(actor: User, authority: str, short_name: str, pattern: str, second_signoff: bool,
           now: dt.datetime) -> Settings:
    """An administrator of the office saves its settings; every change is audited."""
    if not actor.active or actor.role is not Role.ADMIN:
        raise NotOfficeAdministrator(actor.id)
    if problem := kinds.pattern_problem(pattern):
        raise BadPattern(problem)
    before = settings_for(actor.region_code)
    found = db.session.scalar(select(OfficeSettings).where(OfficeSettings.region_code == actor.region_code)
                              .with_for_update())
    if found is None:
        found = OfficeSettings(region_code=actor.region_code)
        db.session.add(found)
    found.authority, found.short_name, found.number_pattern = authority.strip(), short_name.strip(), pattern.strip()
    found.second_signoff, found.updated_by_id, found.updated_at = second_signoff, actor.id, now
    db.session.flush()
    fields = ("authority", "short_name", "number_pattern", "second_signoff")
    audit.record(f"user:{actor.id}", "notice_settings.changed", "office", actor.region_code, at=now,
                 before={name: getattr(before, name) for name in fields},
                 after={name: getattr(found, name) for name in fields})
    return settings_for(actor.region_code)


def next_seq(region_code: str, year: int) -> int:
    """Take the office's next sequence number for the year in one atomic upsert: on PostgreSQL the
    row stays locked until the transaction ends, so concurrent issues queue; SQLite's writers queue anyway."""
    insert = INSERTS[db.session.get_bind().dialect.name]
    statement = (insert(NoticeCounter).values(region_code=region_code, year=year, last=1)
                 .on_conflict_do_update(index_elements=[NoticeCounter.region_code, NoticeCounter.year],
                                        set_={"last": NoticeCounter.last + 1})
                 .returning(NoticeCounter.last))
    return db.session.execute(statement).scalar_one()
