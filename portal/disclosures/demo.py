"""A few demo penalty disclosures in Hangzhou for `make run` (the benchmark they follow:
portal.discretion.demo)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.casework.models import Category
from portal.disclosures.models import Circumstance, Disclosure, DisclosureState, PartyType
from portal.disclosures.models import PenaltyCategory as P
from portal.discretion.demo import ORDER_53
from portal.extensions import db
from portal.identifiers import org_code_check_character, uscc_check_character
from portal.institutions.models import Institution
from portal.publication import periods


def _authority_uscc(county: str) -> str:
    """A well-formed (demonstration) code for a county education bureau: 11 = a state organ."""
    body = f"{int(county) % 100000000:08d}"
    first17 = "11" + county + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


# (decision number, county, circumstance, penalties, fine, months, days ago, withdrawal reason); the
# tier follows the circumstances and the months fit it (`publication.periods`).
DEMO = (
    ("杭西教罚〔2026〕1号", "330106", Circumstance.SERIOUS, (P.WARNING, P.FINE), Decimal("30000"), 12, 20, ""),
    ("杭滨教罚〔2026〕2号", "330108", Circumstance.GENERAL, (P.WARNING,), None, 3, 10, ""),
    ("杭余教罚〔2026〕3号", "330110", Circumstance.SERIOUS, (P.CRITICISM, P.FINE), Decimal("20000"), 12, 40,
     "该处罚决定已被行政复议决定撤销，原公示撤回（演示数据）。"),
)
WORDS = {P.WARNING: "警告", P.CRITICISM: "通报批评"}
NAMES = {"330106": "杭州市西湖区教育局", "330108": "杭州市滨江区教育局", "330110": "杭州市余杭区教育局"}


def seed() -> int:
    """Add the demo disclosures that are missing (by decision number), drafted by the demo
    handler and approved by the demo reviewer; returns how many."""
    drafter = db.session.scalar(select(User).where(User.username == "demo.handler"))
    reviewer = db.session.scalar(select(User).where(User.username == "demo.reviewer"))
    if drafter is None or reviewer is None:
        return 0
    existing = set(db.session.scalars(select(Disclosure.decision_number)))
    now, today, added = clock.now(), clock.today(), 0
    for number, county, circumstance, penalties, fine, months, days_ago, withdrawn in DEMO:
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
            penalty_content=content, fine_amount=fine, decision_date=decided, tier=periods.tier_for(circumstance),
            period_months=months, publication_end=periods.publication_end(decided, months),
            authority_name=NAMES[county],
            authority_uscc=_authority_uscc(county), data_source=NAMES[county], remarks="演示数据",
            state=DisclosureState.WITHDRAWN if withdrawn else DisclosureState.PUBLISHED,
            drafter_id=drafter.id, reviewer_id=reviewer.id, reviewed_at=now, published_at=now,
            withdrawn_at=now if withdrawn else None, withdrawal_reason=withdrawn)
        db.session.add(disclosure)
        added += 1
    db.session.flush()
    return added
