"""Bulk data for the search benchmark: institutions and blacklist entries with realistic Chinese
names (area + brand + kind of training + legal form, as in 杭州市西湖区启明星艺术培训学校有限公司),
valid USCCs, and their name grams, written with bulk inserts (COPY on PostgreSQL).

Used by `benchmarks/search.py`; nothing here is imported by the portal.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from sqlalchemy import insert, select, text

from portal.blacklist.models import BlacklistEntry, BlacklistReason, BlacklistState
from portal.extensions import db
from portal.identifiers import USCC_ALPHABET, org_code_check_character, uscc_check_character
from portal.institutions.models import AnnualInspection, Institution, InstitutionKind, LicenceStatus, RegistrationType
from portal.regions.models import Region, RegionLevel
from portal.search.grams import grams_of

# Brands are two characters from these pools (about 2,000 of them) or one of the three-character ones.
BRAND_FIRST = "启博新明智星育乐思晨青书远励鸿童求阳彩金银天海山华英德慧雅卓优佳美睿文嘉恒瑞宏泰安康益正和"
BRAND_SECOND = "航雅知德树辰才学源曦苗香志儒心真光虹星桥帆翼园林峰川禾木贝果蕾芽苑轩阁堂坊汇嘉宸逸朗悦"
BRAND_THREE = ("启明星", "小蜜蜂", "智慧树", "小天鹅", "金话筒", "小画家", "好未来", "新起点", "七彩虹",
               "小博士", "向日葵", "蒲公英", "北极星", "金钥匙", "小海豚", "萤火虫", "红舞鞋", "小飞侠")
KIND_WORDS = {
    InstitutionKind.SUBJECT: ("文化培训学校", "学科培训中心", "教育培训学校", "外语培训学校"),
    InstitutionKind.ARTS: ("艺术培训学校", "舞蹈培训中心", "美术培训学校", "音乐培训中心", "书法培训学校",
                           "声乐艺术培训中心", "钢琴艺术培训学校"),
    InstitutionKind.SPORTS: ("体育培训中心", "篮球培训俱乐部", "游泳培训中心", "跆拳道培训中心",
                             "足球俱乐部", "围棋培训学校", "击剑体育培训中心"),
    InstitutionKind.TECHNOLOGY: ("科技培训中心", "编程培训学校", "机器人培训中心", "创客教育培训中心"),
    InstitutionKind.OTHER: ("研学教育中心", "托管培训中心", "素质教育培训中心"),
}
OPERATOR_WORDS = ("学习屋", "托管班", "辅导班", "补习班", "工作室", "艺术坊", "书画院", "晚托中心")
STREETS = ("文一路", "学院路", "人民路", "解放路", "建设路", "新华街", "友谊路", "中山路", "滨江大道", "朝阳大街",
           "和平路", "长江路", "黄河路", "青年路", "光明街")
FACTS = ("未取得办学许可证擅自开展学科类培训，责令停止后仍继续招生。",
         "逾期未完成证照办理，仍以托管名义开展培训。", "未纳入全国校外教育培训监管与服务综合平台。",
         "培训场所消防设施不符合要求，存在安全隐患。", "聘用在职中小学教师开展有偿补课。")
STATES = ([BlacklistState.LISTED] * 6 + [BlacklistState.RECTIFYING] * 2 + [BlacklistState.REMOVAL_REQUESTED]
          + [BlacklistState.REMOVED] * 2 + [BlacklistState.PROPOSED, BlacklistState.DROPPED])


def counties() -> list[tuple[str, str, str]]:
    """(code, prefecture name, county name) of every current county-level division."""
    regions = {r.code: r for r in db.session.scalars(select(Region).where(Region.current.is_(True)))}
    found = []
    for region in regions.values():
        if region.level is RegionLevel.COUNTY and region.parent_code in regions:
            found.append((region.code, regions[region.parent_code].name_zh, region.name_zh))
    return sorted(found)


def brand(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(BRAND_THREE)
    return rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)


def area_words(rng: random.Random, city: str, county: str) -> str:
    """How names start: the city and county, the county alone, or the city alone."""
    roll = rng.random()
    if roll < 0.5:
        return (city if city != county else "") + county
    if roll < 0.8:
        return county
    return city


def uscc(rng: random.Random, registration: RegistrationType, area: str, serial: int) -> str:
    """A valid code: department and type by registration, the county, a unique organisation code."""
    department, kind = ("5", "2") if registration is RegistrationType.CIVIL else ("9", "1")
    body = f"{serial:08d}"
    body = "".join(USCC_ALPHABET[(int(ch) + rng.randint(0, 20)) % 31] if i < 2 else ch
                   for i, ch in enumerate(body))  # letters too, as real codes have
    first17 = department + kind + area + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


def institution_rows(rng: random.Random, count: int, places: list[tuple[str, str, str]]) -> Iterator[dict]:
    """`count` institutions spread over the counties, with a realistic mix of statuses."""
    for serial in range(1, count + 1):
        code, city, county = rng.choice(places)
        kind = rng.choice(list(InstitutionKind))
        registration = RegistrationType.CIVIL if kind is InstitutionKind.SUBJECT or rng.random() < 0.4 \
            else RegistrationType.BUSINESS
        status = rng.choices(list(LicenceStatus), weights=(80, 8, 3, 2, 7))[0]
        if status is LicenceStatus.NONE and rng.random() < 0.5:
            registration = RegistrationType.NONE
        name = area_words(rng, city, county) + brand(rng) + rng.choice(KIND_WORDS[kind])
        if registration is RegistrationType.BUSINESS:
            name += "有限公司"
        yield {
            "id": serial, "name": name, "region_code": code, "kind": kind.value,
            "uscc": None if registration is RegistrationType.NONE else uscc(rng, registration, code, serial),
            "address": f"{city}{county}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
            "licence_number": None if status is LicenceStatus.NONE else f"教民{code}{serial:08d}号",
            "licence_status": status.value, "registration_type": registration.value,
            "on_national_platform": status is LicenceStatus.VALID and rng.random() < 0.9,
            "annual_inspection": rng.choices(list(AnnualInspection), weights=(85, 5, 10))[0].value,
            "annual_inspection_year": 2025,
        }


def blacklist_rows(rng: random.Random, count: int, institutions: list[dict],
                   places: list[tuple[str, str, str]]) -> Iterator[dict]:
    """Half the entries name registry institutions, half unregistered operators."""
    for serial in range(1, count + 1):
        listed = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1400))
        state = rng.choice(STATES)
        row = {"id": serial, "reason": rng.choice(list(BlacklistReason)).value, "facts": rng.choice(FACTS),
               "authority_name": "教育局", "listed_on": None if state is BlacklistState.PROPOSED else listed,
               "batch": f"{listed.year}年第{listed.month}批", "state": state.value,
               "removed_on": listed + dt.timedelta(days=200) if state is BlacklistState.REMOVED else None,
               "outcome": "", "decision_numbers": "", "removal_reason": "", "cutoff_date": None,
               "defence_until": None, "proposer_id": None}
        if rng.random() < 0.5:
            source = rng.choice(institutions)
            row.update(institution_id=source["id"], name=source["name"], uscc=source["uscc"],
                       region_code=source["region_code"], address=source["address"],
                       training_type=source["kind"])
        else:
            code, city, county = rng.choice(places)
            row.update(institution_id=None, name=county + brand(rng) + rng.choice(OPERATOR_WORDS), uscc=None,
                       region_code=code, address=f"{city}{county}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                       training_type=rng.choice(list(InstitutionKind)).value)
        yield row


def _stamped(rows: list[dict]) -> list[dict]:
    now = dt.datetime.now(dt.timezone.utc)
    return [{**row, "created_at": now, "updated_at": now} for row in rows]


def gram_rows(kind: str, records: list[tuple[int, str]]) -> list[tuple[str, str, int, str]]:
    """Every (gram, kind, ref_id, sort_key) of the records, sorted as the primary key is."""
    return sorted((gram, kind, ref_id, name) for ref_id, name in records for gram in grams_of(name))


def write_grams(rows: list[tuple[str, str, int, str]]) -> None:
    """COPY on PostgreSQL, executemany on SQLite, with the secondary indexes built afterwards."""
    connection = db.session.connection()
    connection.execute(text("DROP INDEX ix_name_grams_kind_ref_id"))
    connection.execute(text("DROP INDEX ix_name_grams_ordered"))
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy("COPY name_grams (gram, kind, ref_id, sort_key) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        raw.executemany("INSERT INTO name_grams (gram, kind, ref_id, sort_key) VALUES (?, ?, ?, ?)", rows)
    connection.execute(text("CREATE INDEX ix_name_grams_kind_ref_id ON name_grams (kind, ref_id)"))
    connection.execute(text("CREATE INDEX ix_name_grams_ordered ON name_grams (kind, gram, sort_key, ref_id)"))


def build(institutions: int, blacklist: int, seed: int = 20261129) -> dict[str, int]:
    """Fill an empty, migrated database (regions loaded); returns the row counts written."""
    rng = random.Random(seed)
    places = counties()
    if db.session.connection().dialect.name == "sqlite":
        db.session.execute(text("PRAGMA cache_size = -400000"))
    people = list(institution_rows(rng, institutions, places))
    for start in range(0, len(people), 10_000):
        db.session.execute(insert(Institution.__table__), _stamped(people[start:start + 10_000]))
    entries = list(blacklist_rows(rng, blacklist, people, places))
    if entries:
        db.session.execute(insert(BlacklistEntry.__table__), _stamped(entries))
    grams = gram_rows("institution", [(row["id"], row["name"]) for row in people])
    grams += gram_rows("blacklist", [(row["id"], row["name"]) for row in entries])
    grams.sort()
    write_grams(grams)
    if db.session.connection().dialect.name == "postgresql":
        for table in ("institutions", "blacklist_entries"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    return {"institutions": len(people), "blacklist": len(entries), "grams": len(grams)}
