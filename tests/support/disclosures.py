"""Penalty disclosures in tests: drafts stored through the service."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal import clock
from portal.accounts.models import User
from portal.casework.models import Category
from portal.disclosures import demo, service
from portal.disclosures.models import Circumstance, Disclosure, PartyType
from portal.disclosures.models import PenaltyCategory as P
from tests.support.days import local_today

AUTHORITY_USCC = demo._authority_uscc("330106")


def data(**overrides) -> service.DraftData:
    """A serious disguised-training decision of 西湖区 with a warning and a fine, published 12 months;
    any field may be overridden."""
    values = dict(region_code="330106", party_name="西湖启航文化培训学校", party_type=PartyType.LEGAL_PERSON,
                  decision_number="杭西教罚〔2026〕901号", violation=Category.DISGUISED_TRAINING,
                  circumstance=Circumstance.SERIOUS, facts="以托管名义开展学科类培训。", legal_basis=demo.ORDER_53,
                  penalties=[P.WARNING, P.FINE], penalty_content="警告；罚款人民币三万元",
                  decision_date=clock.today() - dt.timedelta(days=5), months=12,
                  authority_name="杭州市西湖区教育局", authority_uscc=AUTHORITY_USCC, data_source="杭州市西湖区教育局",
                  fine_amount=Decimal("30000"))
    values.update(overrides)
    if "legal_reviewed_on" not in overrides:  # the decision's legal review, the day before it
        values.update(legal_reviewer_name="李法审", legal_reviewed_on=values["decision_date"] - dt.timedelta(days=1))
    return service.DraftData(**values)


def draft_disclosure(user: User, **overrides) -> Disclosure:
    """A draft stored through the service."""
    return service.save_draft(user, data(**overrides))


def form_fields(**overrides) -> dict:
    """The draft form's fields as a browser posts them: a serious disguised-training decision."""
    values = {"region": "330106", "party_name": "西湖博雅艺术培训学校", "party_type": "legal_person",
              "decision_number": "杭西教罚〔2026〕950号", "violation": "disguised", "circumstance": "serious",
              "facts": "以家政服务名义开展学科类培训。", "legal_basis": demo.ORDER_53, "penalties": ["warning", "fine"],
              "penalty_content": "警告；罚款两万元", "fine_amount": "20,000",
              "decision_date": str(local_today() - dt.timedelta(days=2)), "months": "12",
              "legal_reviewer_name": "李法审", "legal_reviewed_on": str(local_today() - dt.timedelta(days=3)),
              "authority_name": "杭州市西湖区教育局", "authority_uscc": AUTHORITY_USCC,
              "data_source": "杭州市西湖区教育局", "action": "save"}
    values.update(overrides)
    return values
