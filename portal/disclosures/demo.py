"""The discretion benchmark from 教育部令第53号 (as DOMAIN.md summarises it), and a few demo
penalty disclosures in Hangzhou for `make run`."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.casework.models import Category
from portal.disclosures import service
from portal.disclosures.models import (Circumstance, DiscretionRule, Disclosure, DisclosureState, Level, PartyType,
                                       PenaltyCategory as P, Tier)
from portal.extensions import db
from portal.identifiers import org_code_check_character, uscc_check_character
from portal.institutions.models import Institution

ORDER_53 = "《校外培训行政处罚暂行办法》（教育部令第53号）"
MATTER = "对以隐形变异方式违规开展校外培训的行政处罚"
# Disguised training (隐形变异培训): order to correct, refund, warning or public criticism; serious →
# a fine up to ¥50,000; especially serious → ¥50,000 – 100,000. Orders to correct and refunds are
# not penalty categories: the penalty content says them.
RULES = (
    (Circumstance.MINOR, (P.WARNING, P.CRITICISM), None, None),
    (Circumstance.GENERAL, (P.WARNING, P.CRITICISM), None, None),
    (Circumstance.SERIOUS, (P.WARNING, P.CRITICISM, P.FINE), None, Decimal("50000")),
    (Circumstance.ESPECIALLY_SERIOUS, (P.FINE,), Decimal("50000"), Decimal("100000")),
)


def seed_rules() -> int:
    """Add the benchmark lines of 教育部令第53号 that are missing; returns how many. Lines an
    administrator has entered or changed are left alone."""
    existing = set(db.session.execute(select(DiscretionRule.violation, DiscretionRule.circumstance)).all())
    added = 0
    for circumstance, penalties, fine_min, fine_max in RULES:
        if (Category.DISGUISED_TRAINING, circumstance) in existing:
            continue
        db.session.add(DiscretionRule(
            violation=Category.DISGUISED_TRAINING, circumstance=circumstance, matter=MATTER, legal_basis=ORDER_53,
            level=Level.COUNTY, penalties=",".join(p.value for p in P if p in penalties),
            fine_min=fine_min, fine_max=fine_max))
        added += 1
    db.session.flush()
    return added


def _authority_uscc(county: str) -> str:
    """A well-formed (demonstration) code for a county education bureau: 11 = a state organ."""
    body = f"{int(county) % 100000000:08d}"
    first17 = "11" + county + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


# (decision number, county, violation, circumstance, penalties, fine, tier, months, days ago, withdrawal reason)
DEMO = (
    ("杭西教罚〔2026〕1号", "330106", Circumstance.SERIOUS, (P.WARNING, P.FINE), Decimal("30000"),
     Tier.GENERAL, 6, 20, ""),
    ("杭滨教罚〔2026〕2号", "330108", Circumstance.GENERAL, (P.WARNING,), None, Tier.MINOR, 3, 10, ""),
    ("杭余教罚〔2026〕3号", "330110", Circumstance.SERIOUS, (P.CRITICISM, P.FINE), Decimal("20000"),
     Tier.GENERAL, 12, 40, "该处罚决定已被行政复议决定撤销，原公示撤回（演示数据）。"),
)
WORDS = {P.WARNING: "警告", P.CRITICISM: "通报批评"}
NAMES = {"330106": "杭州市西湖区教育局", "330108": "杭州市滨江区教育局", "330110": "杭州市余杭区教育局"}


def seed() -> int:
    """Add the demo disclosures that are missing (by decision number), drafted by the demo
    handler and approved by the demo reviewer; returns how many."""
    seed_rules()
    drafter = db.session.scalar(select(User).where(User.username == "demo.handler"))
    reviewer = db.session.scalar(select(User).where(User.username == "demo.reviewer"))
    if drafter is None or reviewer is None:
        return 0
    existing = set(db.session.scalars(select(Disclosure.decision_number)))
    now, today, added = clock.now(), clock.today(), 0
    for number, county, circumstance, penalties, fine, tier, months, days_ago, withdrawn in DEMO:
        if number in existing:
            continue
        party = db.session.scalar(select(Institution).where(Institution.region_code == county,
                                                            Institution.uscc.is_not(None))
                                  .order_by(Institution.id).limit(1))
        if party is None:
            continue
        decided = today - dt.timedelta(days=days_ago)
        content = "责令改正，退还所收费用；" + "、".join(WORDS[p] for p in penalties if p in WORDS)
        if fine is not None:
            content += f"；罚款人民币{fine:,.0f}元"
        disclosure = Disclosure(
            region_code=county, institution_id=party.id, party_name=party.name, party_type=PartyType.LEGAL_PERSON,
            uscc=party.uscc, legal_representative="张**（演示）", decision_number=number,
            violation=Category.DISGUISED_TRAINING, circumstance=circumstance,
            facts="以“家政服务”“托管”名义在居民住宅内组织中小学生开展学科类培训（演示数据）。",
            legal_basis=ORDER_53, penalties=",".join(p.value for p in P if p in penalties),
            penalty_content=content, fine_amount=fine, decision_date=decided, tier=tier,
            publication_end=service.publication_end(decided, months), authority_name=NAMES[county],
            authority_uscc=_authority_uscc(county), data_source=NAMES[county], remarks="演示数据",
            state=DisclosureState.WITHDRAWN if withdrawn else DisclosureState.PUBLISHED,
            drafter_id=drafter.id, reviewer_id=reviewer.id, reviewed_at=now, published_at=now,
            withdrawn_at=now if withdrawn else None, withdrawal_reason=withdrawn)
        db.session.add(disclosure)
        added += 1
    db.session.flush()
    return added
