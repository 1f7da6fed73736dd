"""Everything a parent needs on one institution's page: the whitelist verdict, then what each
feature offers about it (blacklist entries, current penalty disclosures, typical cases, inspection
results, the number of concluded complaints); a fixed number of queries whatever is on record."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from portal.institutions import offerings, service, whitelist
from portal.institutions.models import Institution

# Prepaid fees: never more than 3 months or 60 class hours at once (《关于进一步减轻义务教育阶段学生
# 作业负担和校外培训负担的意见》, 2021: 不得一次性收取或以充值、次卡等形式变相收取时间跨度超过3个月或
# 60课时的费用), paid into the institution's supervised account (教育部等六部门《关于加强校外培训机构
# 预收费监管工作的通知》, 2021).
PREPAID_MAX_MONTHS = 3
PREPAID_MAX_CLASS_HOURS = 60


@dataclass(frozen=True)
class Profile:
    """One institution as the public page shows it; `sections` by the names features registered."""

    institution: Institution
    verdict: whitelist.Verdict
    sections: dict[str, Any]


def profile(institution_id: int, today: dt.date) -> Profile:
    """The page's facts; raises service.InstitutionNotFound."""
    institution = service.get(institution_id)
    return Profile(institution=institution, verdict=whitelist.verdict(institution.id, today),
                   sections={section.name: section.fetch(institution, today) for section in offerings.sections()})
