"""The register of banned practitioners in tests: a published decision carrying an occupational
ban, resident ID numbers with their right check character, and entries stored through the service."""
from __future__ import annotations

import datetime as dt

from portal.accounts.models import User
from portal.disclosures import service as disclosures
from portal.disclosures.models import Disclosure, PartyType
from portal.disclosures.models import PenaltyCategory as P
from portal.identifiers import id_check_character
from portal.practitioners import service
from portal.practitioners.models import DocumentType, PractitionerBan
from tests.support.disclosures import draft_disclosure

DECISION_DATE = dt.date(2026, 6, 1)


def resident_id(first17: str = "33010619850312123") -> str:
    """A resident ID number with the right GB 11643 check character."""
    return first17 + id_check_character(first17)


def ban_decision(drafter: User, reviewer: User, number: str = "杭西教罚〔2026〕801号", lifelong: bool = False,
                 **overrides) -> Disclosure:
    """A published decision of 西湖区 barring a natural person from training (限制从业)."""
    values = dict(decision_number=number, party_name="王某某", party_type=PartyType.NATURAL_PERSON,
                  penalties=[P.OCCUPATIONAL_BAN], fine_amount=None, outside_range_reason="从业禁止（测试）",
                  penalty_content="限制从业", decision_date=DECISION_DATE, months=36,
                  valid_until=None if lifelong else dt.date(2031, 5, 31), lifelong=lifelong)
    values.update(overrides)
    disclosure = draft_disclosure(drafter, **values)
    disclosures.submit(disclosure, drafter)
    disclosures.review(disclosure, reviewer, True)
    return disclosure


def ban_data(decision: Disclosure, **overrides) -> service.BanData:
    """王某某, resident ID, banned for five years from the decision; any field may be overridden."""
    values = dict(decision_number=decision.decision_number, name="王某某", document_type=DocumentType.RESIDENT_ID,
                  number=resident_id(), lifelong=decision.lifelong, starts_on=decision.decision_date,
                  ends_on=None if decision.lifelong else dt.date(2031, 5, 31))
    values.update(overrides)
    return service.BanData(**values)


def register(user: User, decision: Disclosure, **overrides) -> PractitionerBan:
    """An entry stored through the service."""
    return service.register(user, ban_data(decision, **overrides))
