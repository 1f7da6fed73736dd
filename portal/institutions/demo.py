"""Demo registry: a few hundred plausible institutions in the districts the seed documents name."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.identifiers import USCC_ALPHABET, org_code_check_character, uscc_check_character
from portal.institutions.models import (
    AnnualInspection,
    InspectionRecord,
    Institution,
    InstitutionKind,
    LicenceStatus,
    RegistrationType,
)

# Hangzhou (the Hangzhou plan), Chaoyang in Liaoning, Xining in Qinghai (the blacklist campaign).
# code: (short name used in institution names, the address prefix)
DEMO_COUNTIES = {
    "330102": ("上城", "杭州市上城区"), "330105": ("拱墅", "杭州市拱墅区"),
    "330106": ("西湖", "杭州市西湖区"), "330108": ("滨江", "杭州市滨江区"),
    "330109": ("萧山", "杭州市萧山区"), "330110": ("余杭", "杭州市余杭区"),
    "330113": ("临平", "杭州市临平区"),
    "211302": ("双塔", "朝阳市双塔区"), "211303": ("龙城", "朝阳市龙城区"),
    "211321": ("朝阳", "朝阳市朝阳县"), "211381": ("北票", "北票市"),
    "630102": ("城东", "西宁市城东区"), "630103": ("城中", "西宁市城中区"),
    "630104": ("城西", "西宁市城西区"), "630105": ("城北", "西宁市城北区"),
    "630106": ("湟中", "西宁市湟中区"),
}
BRANDS = ("启航", "博雅", "新知", "明德", "智慧树", "小蜜蜂", "星辰", "育才", "乐学", "思源",
          "晨曦", "青苗", "书香", "远航", "励志", "鸿儒", "童心", "求真", "阳光", "彩虹")
KIND_WORDS = {
    InstitutionKind.SUBJECT: ("文化培训学校", "学科培训中心", "教育培训学校"),
    InstitutionKind.ARTS: ("艺术培训学校", "舞蹈培训中心", "美术培训工作室", "音乐培训学校"),
    InstitutionKind.SPORTS: ("体育培训中心", "篮球培训俱乐部", "游泳培训中心", "跆拳道馆"),
    InstitutionKind.TECHNOLOGY: ("科技培训中心", "编程培训学校", "机器人培训中心"),
    InstitutionKind.OTHER: ("研学培训中心", "托管培训中心"),
}
STREETS = ("文一路", "学院路", "人民路", "解放路", "建设路", "新华街", "友谊路", "中山路", "滨江大道", "朝阳大街")
PER_COUNTY = 15


def _uscc(rng: random.Random, department: str, kind: str, area: str) -> str:
    body = "".join(rng.choice(USCC_ALPHABET[:10]) for _ in range(8))
    first17 = department + kind + area + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


def _status(rng: random.Random, kind: InstitutionKind) -> tuple[LicenceStatus, RegistrationType]:
    roll = rng.random()
    if roll < 0.72:
        # Since 2021 subject training may only be run as a non-profit (民办非企业单位).
        if kind is InstitutionKind.SUBJECT:
            return LicenceStatus.VALID, RegistrationType.CIVIL
        return LicenceStatus.VALID, rng.choice([RegistrationType.CIVIL, RegistrationType.BUSINESS])
    if roll < 0.82:
        return LicenceStatus.EXPIRED, RegistrationType.BUSINESS
    if roll < 0.86:
        return LicenceStatus.SUSPENDED, RegistrationType.CIVIL
    if roll < 0.89:
        return LicenceStatus.REVOKED, RegistrationType.BUSINESS
    return LicenceStatus.NONE, rng.choice([RegistrationType.NONE, RegistrationType.BUSINESS])


def _institution(rng: random.Random, code: str, serial: int) -> Institution:
    place, address_prefix = DEMO_COUNTIES[code]
    kind = rng.choice(list(InstitutionKind))
    status, registration = _status(rng, kind)
    name = f"{place}{rng.choice(BRANDS)}{rng.choice(KIND_WORDS[kind])}"
    if registration is RegistrationType.BUSINESS:
        name += "有限公司"
    uscc = None
    if registration is not RegistrationType.NONE:
        department, org = ("5", "2") if registration is RegistrationType.CIVIL else ("9", "1")
        uscc = _uscc(rng, department, org, code)
    licence = None if status is LicenceStatus.NONE else f"教民{code}{serial:07d}号"
    return Institution(
        name=name, uscc=uscc, region_code=code, kind=kind, licence_number=licence,
        licence_status=status, registration_type=registration,
        address=f"{address_prefix}{rng.choice(STREETS)}{rng.randint(1, 399)}号{rng.randint(1, 6)}楼",
        on_national_platform=status is LicenceStatus.VALID and rng.random() < 0.9,
    )


INSPECTION_YEAR = 2025


def inspect_annually(institution: Institution) -> None:
    """The demo's last annual inspection: most licensed institutions passed, a few failed, the
    rest were not inspected. Drawn from the name, not from the registry's random stream, so the
    institutions generated after it stay the same."""
    if institution.annual_inspection_year is not None:
        return
    roll = random.Random(f"inspection {institution.region_code} {institution.name}").random()
    if institution.licence_status is not LicenceStatus.VALID:
        result = AnnualInspection.FAILED if roll < 0.5 else AnnualInspection.NOT_INSPECTED
    else:
        result = AnnualInspection.PASSED if roll < 0.85 else (
            AnnualInspection.FAILED if roll < 0.93 else AnnualInspection.NOT_INSPECTED)
    institution.annual_inspection = result
    institution.annual_inspection_year = None if result is AnnualInspection.NOT_INSPECTED else INSPECTION_YEAR


BANKS = ("杭州银行", "中国工商银行", "中国建设银行", "浙江农商银行", "中国银行")
PRICES = {InstitutionKind.SUBJECT: "小学数学 60 元/课时\n初中英语 80 元/课时",
          InstitutionKind.ARTS: "少儿美术 120 元/课时", InstitutionKind.SPORTS: "篮球基础班 100 元/课时",
          InstitutionKind.TECHNOLOGY: "少儿编程 150 元/课时", InstitutionKind.OTHER: "研学营 300 元/天"}


def licence_facts(institution: Institution, today: dt.date) -> None:
    """The demo's licence dates, fee supervision and filed prices, drawn from the name (so the
    registry's random stream is untouched): a few licences end within the next month."""
    if institution.licence_valid_until is not None or institution.licence_status is LicenceStatus.NONE:
        return
    rng = random.Random(f"licence {institution.region_code} {institution.name}")
    start = dt.date(rng.randint(2020, 2024), rng.randint(1, 12), 1)
    institution.licence_valid_from = start
    if institution.licence_status is LicenceStatus.EXPIRED:
        institution.licence_valid_until = today - dt.timedelta(days=rng.randint(30, 400))
    elif rng.random() < 0.08:
        institution.licence_valid_until = today + dt.timedelta(days=rng.randint(3, 28))
    else:
        institution.licence_valid_until = dt.date(start.year + 5, start.month, 1) - dt.timedelta(days=1)
        if institution.licence_valid_until < today:
            institution.licence_valid_until = dt.date(today.year + 2, start.month, 1)
    institution.licence_issuer = f"{DEMO_COUNTIES[institution.region_code][1]}教育局" \
        if institution.region_code in DEMO_COUNTIES else ""
    if institution.licence_status is LicenceStatus.VALID and rng.random() < 0.8:
        institution.fee_account_supervised = True
        institution.supervising_bank = rng.choice(BANKS)
        institution.filed_prices = PRICES[institution.kind]


def _record_inspections() -> None:
    """Each demo institution's last annual inspection as the registry's record of that year."""
    recorded = set(db.session.scalars(select(InspectionRecord.institution_id)))
    for institution in db.session.scalars(select(Institution).where(Institution.annual_inspection_year.is_not(None))):
        if institution.id not in recorded:
            db.session.add(InspectionRecord(institution_id=institution.id, year=institution.annual_inspection_year,
                                            result=institution.annual_inspection, notes=""))


def seed() -> int:
    """Add the demo institutions that are not there yet (matched by name and area, or by USCC,
    so a database seeded by an earlier version of this generator is extended, not broken);
    returns how many were added."""
    rng = random.Random(20221122)
    today = clock.today()
    # Demo institutions seeded before inspections were recorded get theirs when met again below.
    uninspected = {(i.name, i.region_code): i for i in db.session.scalars(
        select(Institution).where(Institution.annual_inspection_year.is_(None),
                                  Institution.annual_inspection == AnnualInspection.NOT_INSPECTED))}
    rows = db.session.execute(select(Institution.name, Institution.region_code, Institution.uscc)).all()
    existing = {(name, code) for name, code, _uscc in rows}
    codes = {uscc for _name, _code, uscc in rows if uscc}
    added = 0
    for code in DEMO_COUNTIES:
        for serial in range(1, PER_COUNTY + 1):
            institution = _institution(rng, code, serial)
            if (institution.name, code) in existing or (institution.uscc and institution.uscc in codes):
                if (institution.name, code) in uninspected:
                    inspect_annually(uninspected.pop((institution.name, code)))
                continue
            existing.add((institution.name, code))
            inspect_annually(institution)
            licence_facts(institution, today)
            if institution.uscc:
                codes.add(institution.uscc)
            db.session.add(institution)
            added += 1
    for institution in db.session.scalars(select(Institution).where(Institution.licence_valid_until.is_(None))):
        if (institution.region_code in DEMO_COUNTIES):
            licence_facts(institution, today)
    db.session.flush()
    _record_inspections()
    db.session.flush()
    return added
