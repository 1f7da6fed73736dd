"""A handful of demo blacklist entries for `make run`: published lists from Xining (the Qinghai
2022 campaign) and Chaoyang, and Hangzhou entries at each step of the procedure."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.blacklist import service
from portal.blacklist.models import BlacklistEntry
from portal.blacklist.models import BlacklistReason as R
from portal.extensions import db
from portal.institutions.models import Institution
from portal.institutions.models import InstitutionKind as K

XINING = "西宁市2022年校外培训机构黑名单（第一批）"
CHAOYANG = "朝阳市2025年校外培训机构黑名单（第二批）"
# (batch, county, name, address, training type, reason, facts, authority, days ago, outcome)
PUBLISHED = (
    (XINING, "630102", "城东区小太阳托管辅导班", "西宁市城东区八一路12号3单元201室", K.SUBJECT, R.UNLICENSED,
     "未取得办学许可证和营业执照，在居民住宅内组织中小学生开展学科类培训。", "西宁市城东区教育局", 400,
     "责令停止培训，退还预收费用（演示数据）"),
    (XINING, "630104", "城西区启智艺术工作室", "西宁市城西区胜利路88号二楼", K.ARTS, R.INCOMPLETE_LICENCES,
     "整改期限届满仍未取得办学许可证（证照不全）。", "西宁市城西区教育局", 380, "已责令停止招生（演示数据）"),
    (CHAOYANG, "211302", "双塔区金榜题名辅导中心", "朝阳市双塔区新华路201号", K.SUBJECT, R.NOT_ON_PLATFORM,
     "未纳入全国校外教育培训监管与服务综合平台，拒不整改。", "朝阳市双塔区教育局", 60, ""),
)


def _users() -> tuple[User | None, User | None, User | None]:
    by_name = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(
        ("demo.handler", "demo.reviewer", "demo.admin"))))}
    return by_name.get("demo.handler"), by_name.get("demo.reviewer"), by_name.get("demo.admin")


def _exists(name: str, county: str) -> bool:
    return db.session.scalar(select(BlacklistEntry.id).where(BlacklistEntry.name == name,
                                                             BlacklistEntry.region_code == county)) is not None


def _published(today: dt.date) -> int:
    added = 0
    for batch, county, name, address, kind, reason, facts, authority, days_ago, outcome in PUBLISHED:
        if _exists(name, county):
            continue
        listed = today - dt.timedelta(days=days_ago)
        service.add_listed(service.EntryData(
            region_code=county, name=name, training_type=kind, reason=reason, facts=facts, authority_name=authority,
            address=address, outcome=outcome, listed_on=listed, cutoff_date=listed - dt.timedelta(days=10)), batch)
        added += 1
    return added


def _registry(county: str, skip: int = 0) -> Institution | None:
    return db.session.scalar(select(Institution).where(Institution.region_code == county,
                                                       Institution.uscc.is_not(None))
                             .order_by(Institution.id.desc()).offset(skip).limit(1))


def _proposal(county: str, reason: R, facts: str, skip: int = 0, numbers: list[str] | None = None):
    institution = _registry(county, skip)
    if institution is None or _exists(institution.name, county):
        return None
    return service.EntryData(
        region_code=county, name=institution.name, training_type=institution.kind, reason=reason, facts=facts,
        authority_name="杭州市西湖区教育局" if county == "330106" else "杭州市滨江区教育局", uscc=institution.uscc,
        address=institution.address, institution_id=institution.id, decision_numbers=numbers or [])


def _hangzhou(handler: User, reviewer: User, admin: User) -> int:
    """Entries taken through the procedure: listed, rectifying, removed, and one in its defence."""
    added = 0
    # (county, reason, facts, registry offset, decision numbers, steps after the proposal)
    plans = (
        ("330106", R.ILLEGAL_TRAINING, "以“研学营”名义在周末组织初中学科类培训（演示数据）。", 0,
         ["杭西教罚〔2026〕1号"], ("listing", )),
        ("330108", R.SAFETY, "培训场所消防通道堵塞，拒不整改（演示数据）。", 0, [], ("listing", "mark_rectifying")),
        ("330106", R.NOT_ON_PLATFORM, "未纳入全国监管平台，收费未进入监管账户（演示数据）。", 1, [],
         ("listing", "removal")),
        ("330106", R.UNLICENSED, "无证开展学科类培训（演示数据）。", 2, [], ("send_notice",)),
    )
    for county, reason, facts, skip, numbers, steps in plans:
        data = _proposal(county, reason, facts, skip, numbers)
        if data is None:
            continue
        officer = handler if county == "330106" else admin
        entry = service.propose(officer, data)
        service.take(entry, "send_notice", officer)
        if "listing" in steps:
            entry.defence_until = clock.today() - dt.timedelta(days=1)  # the demo skips the wait
            service.take(entry, "request_listing", officer)
            service.take(entry, "approve_listing", reviewer)
        if "mark_rectifying" in steps:
            service.take(entry, "mark_rectifying", officer)
        if "removal" in steps:
            service.take(entry, "request_removal", officer,
                         "已完成平台登记并将预收费纳入监管账户，经复查整改到位（演示数据）。")
            service.take(entry, "approve_removal", reviewer)
        added += 1
    return added


def seed() -> int:
    """Add the demo entries that are missing (by name and county); returns how many."""
    added = _published(clock.today())
    handler, reviewer, admin = _users()
    if handler is not None and reviewer is not None and admin is not None:
        added += _hangzhou(handler, reviewer, admin)
    db.session.flush()
    return added
