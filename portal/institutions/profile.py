"""Everything a parent needs on one institution's page: the whitelist verdict, then what each
feature offers about it (blacklist entries, current penalty disclosures, typical cases, inspection
results, the number of concluded complaints); a fixed number of queries whatever is on record."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from portal.institutions import offerings, service, whitelist
from portal.institutions.models import Institution
from portal.rules import service as rules


@dataclass(frozen=True)
class Profile:
    """One institution as the public page shows it; `sections` by the names features registered."""

    institution: Institution
    verdict: whitelist.Verdict
    sections: dict[str, Any]
    prepaid_months: int
    prepaid_hours: int


def profile(institution_id: int, today: dt.date) -> Profile:
    """The page's facts; raises service.InstitutionNotFound."""
    institution = service.get(institution_id)
    return Profile(institution=institution, verdict=whitelist.verdict(institution.id, today),
                   sections={section.name: section.fetch(institution, today) for section in offerings.sections()},
                   prepaid_months=prepaid_months(institution.region_code),
                   prepaid_hours=rules.value("prepaid_max_class_hours", institution.region_code))


def prepaid_months(region_code: str) -> int:
    """Prepaid fees: at most this many months in advance where the institution is (national default 3,
    with 60 class hours: 《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》, 2021: 不得一次性收取
    或以充值、次卡等形式变相收取时间跨度超过3个月或60课时的费用; paid into the supervised account, 教育部等
    六部门《关于加强校外培训机构预收费监管工作的通知》, 2021). A province may only be stricter."""
    return rules.value("prepaid_max_months", region_code)
