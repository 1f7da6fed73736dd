"""Institutions and the records about them, for the whitelist, page and search tests."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sqlalchemy import insert

from portal.blacklist.models import BlacklistEntry, BlacklistReason, BlacklistState
from portal.casework.models import Category
from portal.disclosures.models import Circumstance, Disclosure, DisclosureState, PartyType, Tier
from portal.extensions import db
from portal.identifiers import org_code_check_character, uscc_check_character
from portal.institutions.models import AnnualInspection, Institution, InstitutionKind, LicenceStatus, RegistrationType
from portal.typical.models import ArticleState, TypicalCase, typical_case_institutions
from tests.support.accounts import staff_user

_serials = itertools.count(1)


def new_uscc() -> str:
    """A valid code no demo institution has (organisation codes 7xxxxxxx are not generated there)."""
    body = f"7{next(_serials):07d}"
    first17 = "52330106" + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


def institution(**overrides) -> Institution:
    """An institution meeting every whitelist condition unless overridden."""
    values = dict(name="西湖区鲸鱼座艺术培训学校", region_code="330106", kind=InstitutionKind.ARTS, uscc=new_uscc(),
                  address="杭州市西湖区文三路1号", licence_number="教民3301060009999号",
                  licence_status=LicenceStatus.VALID, registration_type=RegistrationType.CIVIL,
                  on_national_platform=True, annual_inspection=AnnualInspection.PASSED, annual_inspection_year=2025)
    values.update(overrides)
    row = Institution(**values)
    db.session.add(row)
    db.session.flush()
    return row


def blacklist_entry(target: Institution | None, state: BlacklistState = BlacklistState.LISTED, **overrides):
    """An entry about `target` (linked), in `state`."""
    values = dict(region_code="330106", institution_id=target.id if target else None,
                  name=target.name if target else "无名托管班", uscc=target.uscc if target else None,
                  training_type=InstitutionKind.ARTS, reason=BlacklistReason.SAFETY, facts="消防通道堵塞。",
                  authority_name="杭州市西湖区教育局", listed_on=dt.date(2026, 5, 1), state=state,
                  removed_on=dt.date(2026, 9, 1) if state is BlacklistState.REMOVED else None)
    values.update(overrides)
    entry = BlacklistEntry(**values)
    db.session.add(entry)
    db.session.flush()
    return entry


def staff(username: str) -> int:
    """A new handler of 西湖区 who drafts the records: its id."""
    return staff_user(username, display_name="起草人", certificate=f"330106{next(_serials):06d}").id


def disclosure(target: Institution, today: dt.date, drafter_id: int, **overrides) -> Disclosure:
    """A published decision about `target`, within its publication period today."""
    values = dict(
        region_code="330106", institution_id=target.id, party_name=target.name, party_type=PartyType.LEGAL_PERSON,
        uscc=target.uscc, legal_representative="张大伟", decision_number=f"西教罚〔2026〕9{next(_serials)}号",
        violation=Category.SAFETY, circumstance=Circumstance.GENERAL, facts="消防设施不合格。",
        legal_basis="《校外培训行政处罚暂行办法》", penalties="warning,fine", penalty_content="警告，罚款。",
        fine_amount=Decimal("5000.00"), confiscated_amount=None, decision_date=today - dt.timedelta(days=10),
        valid_until=None, tier=Tier.GENERAL, period_months=3, publication_end=today + dt.timedelta(days=80),
        authority_name="杭州市西湖区教育局", authority_uscc="11330106002500000X", data_source="杭州市西湖区教育局",
        state=DisclosureState.PUBLISHED, drafter_id=drafter_id, published_at=dt.datetime.now(dt.timezone.utc))
    values.update(overrides)
    row = Disclosure(**values)
    db.session.add(row)
    db.session.flush()
    return row


def typical_case(target: Institution, drafter_id: int, state: ArticleState = ArticleState.PUBLISHED,
                 title: str = "西湖区某艺术培训学校消防隐患案") -> TypicalCase:
    """A typical case naming `target`."""
    case = TypicalCase(region_code="330106", title=title, summary="摘要", body_source="正文", body_html="<p>正文</p>",
                       case_date=dt.date(2026, 6, 1), state=state, drafter_id=drafter_id)
    db.session.add(case)
    db.session.flush()
    db.session.execute(insert(typical_case_institutions).values(typical_case_id=case.id, institution_id=target.id))
    return case
