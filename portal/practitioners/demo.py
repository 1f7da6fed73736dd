"""A demo entry for `make run`: a lifelong ban (终身禁入) decided by 西湖区 against the organiser of
an unlicensed centre, entered in the register, and the blacklist entry of the operator that
employed him, linked to it. The name and ID number are invented (the number only passes the check)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.blacklist import service as blacklist
from portal.blacklist.models import BlacklistReason
from portal.casework.models import Category
from portal.disclosures import demo as disclosures_demo
from portal.disclosures import service as disclosures
from portal.disclosures.models import Circumstance, Disclosure, PartyType, PenaltyCategory
from portal.discretion.demo import ORDER_53
from portal.extensions import db
from portal.identifiers import id_check_character
from portal.institutions.models import InstitutionKind
from portal.practitioners import service
from portal.practitioners.models import DocumentType

DECISION = "杭西教罚〔2026〕51号"
AUTHORITY = "杭州市西湖区教育局"
PERSON = "周某某（演示）"
NUMBER17 = "33010619800101001"


def seed() -> str:
    """Add the demo ban, its register entry and the linked blacklist entry unless the decision exists."""
    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(
        ("demo.handler", "demo.reviewer"))))}
    handler, reviewer = users.get("demo.handler"), users.get("demo.reviewer")
    if handler is None or reviewer is None or db.session.scalar(
            select(Disclosure.id).where(Disclosure.decision_number == DECISION)) is not None:
        return "0 entries"
    decided = clock.today() - dt.timedelta(days=30)
    decision = disclosures.save_draft(handler, disclosures.DraftData(
        region_code="330106", party_name=PERSON, party_type=PartyType.NATURAL_PERSON, decision_number=DECISION,
        violation=Category.UNLICENSED, circumstance=Circumstance.ESPECIALLY_SERIOUS,
        facts="组织未取得办学许可证的培训点，多次被责令停止仍继续招生（演示数据）。", legal_basis=ORDER_53,
        penalties=[PenaltyCategory.OCCUPATIONAL_BAN], penalty_content="终身禁止从事校外培训工作（演示数据）",
        decision_date=decided, months=36, authority_name=AUTHORITY,
        authority_uscc=disclosures_demo._authority_uscc("330106"),
        data_source=AUTHORITY, lifelong=True, outside_range_reason="演示数据", legal_reviewer_name="李法审",
        legal_reviewed_on=decided - dt.timedelta(days=2), collective_discussion=True, remarks="演示数据"))
    disclosures.submit(decision, handler)
    disclosures.review(decision, reviewer, True)
    ban = service.register(handler, service.BanData(
        decision_number=DECISION, name=PERSON, document_type=DocumentType.RESIDENT_ID,
        number=NUMBER17 + id_check_character(NUMBER17), lifelong=True, starts_on=decided))
    entry = blacklist.add_listed(blacklist.EntryData(
        region_code="330106", name="西湖晨星托管中心（演示）", training_type=InstitutionKind.SUBJECT,
        reason=BlacklistReason.BLACKLISTED_STAFF, facts="聘用终身禁入人员组织学科类培训（演示数据）。",
        authority_name=AUTHORITY, listed_on=decided + dt.timedelta(days=20)), "演示批次")
    service.link_blacklist(handler, entry, ban.id)
    return "1 entry"
