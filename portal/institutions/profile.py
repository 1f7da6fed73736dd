"""Everything a parent needs on one institution's page: whitelist verdict, blacklist entries,
current penalty disclosures, typical cases and the number of concluded complaints; a fixed number
of queries whatever the institution has on record."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.blacklist.models import PUBLIC_STATES, BlacklistEntry
from portal.casework.models import Complaint, Status
from portal.disclosures.models import Disclosure
from portal.disclosures.queries import PublicDisclosure, visible
from portal.extensions import db
from portal.institutions import service, whitelist
from portal.institutions.models import Institution
from portal.typical.models import ArticleState, TypicalCase, typical_case_institutions

# A complaint counts once its handling is over: concluded, or concluded and archived.
CONCLUDED = (Status.CONCLUDED, Status.ARCHIVED)

# Prepaid fees: never more than 3 months or 60 class hours at once (《关于进一步减轻义务教育阶段学生
# 作业负担和校外培训负担的意见》, 2021: 不得一次性收取或以充值、次卡等形式变相收取时间跨度超过3个月或
# 60课时的费用), paid into the institution's supervised account (教育部等六部门《关于加强校外培训机构
# 预收费监管工作的通知》, 2021).
PREPAID_MAX_MONTHS = 3
PREPAID_MAX_CLASS_HOURS = 60


@dataclass(frozen=True)
class Profile:
    """One institution as the public page shows it."""

    institution: Institution
    verdict: whitelist.Verdict
    blacklist_entries: list[BlacklistEntry]
    disclosures: list[PublicDisclosure]
    typical_cases: list[TypicalCase]
    concluded_complaints: int


def profile(institution_id: int, today: dt.date) -> Profile:
    """The page's facts; raises service.InstitutionNotFound."""
    institution = service.get(institution_id)
    return Profile(
        institution=institution,
        verdict=whitelist.verdict(institution.id, today),
        blacklist_entries=blacklist_entries(institution),
        disclosures=current_disclosures(institution, today),
        typical_cases=typical_cases(institution.id),
        concluded_complaints=concluded_complaints(institution.id),
    )


def _about(model, institution: Institution):
    """Records linked to the institution or carrying its USCC (the same rule as the whitelist)."""
    if institution.uscc:
        return (model.institution_id == institution.id) | (model.uscc == institution.uscc)
    return model.institution_id == institution.id


def blacklist_entries(institution: Institution) -> list[BlacklistEntry]:
    """Its entries on the public blacklist, in force or removed, latest listing first."""
    stmt = (select(BlacklistEntry).where(_about(BlacklistEntry, institution), BlacklistEntry.state.in_(PUBLIC_STATES))
            .order_by(BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc()))
    return list(db.session.scalars(stmt))


def current_disclosures(institution: Institution, today: dt.date) -> list[PublicDisclosure]:
    """Penalty decisions about it that the public sees today (withdrawn ones marked so)."""
    stmt = (select(Disclosure).where(_about(Disclosure, institution), visible(today))
            .options(joinedload(Disclosure.region))  # one query, records or not
            .order_by(Disclosure.decision_date.desc(), Disclosure.id.desc()))
    return [PublicDisclosure.of(row) for row in db.session.scalars(stmt)]


def typical_cases(institution_id: int) -> list[TypicalCase]:
    """Published typical cases that name it, newest first."""
    linked = select(typical_case_institutions.c.typical_case_id).where(
        typical_case_institutions.c.institution_id == institution_id)
    stmt = (select(TypicalCase).where(TypicalCase.id.in_(linked), TypicalCase.state == ArticleState.PUBLISHED)
            .order_by(TypicalCase.case_date.desc(), TypicalCase.id.desc()))
    return list(db.session.scalars(stmt))


def concluded_complaints(institution_id: int) -> int:
    """How many complaints about it have been concluded (a number only: nothing else is public)."""
    stmt = select(func.count()).select_from(Complaint).where(Complaint.institution_id == institution_id,
                                                             Complaint.status.in_(CONCLUDED))
    return db.session.scalar(stmt)
