"""The flag: an institution whose mediation cases ended in the last 365 days include at least the
rule `refund_conduct_flag` (default 2, a province may set 2–10; 本地规定, "双减" fee supervision) in
which it refused to mediate or to agree (`EndReason.INSTITUTION_REFUSED`) or broke the agreement
(the parent said the money did not arrive: `broken_count` > 0). A case that did both counts once.

The flag is shown to staff (the list, the registry page, the case's mediation panel) and weighs the
institution more in weighted inspection draws; it never changes the whitelist by itself: only an
approved finding (`service`) does."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select

from portal.extensions import db
from portal.institutions.models import Institution
from portal.institutions.service import code_range
from portal.mediation.models import EndReason, MediationCase
from portal.rules import service as rules

RULE = "refund_conduct_flag"
YEAR = dt.timedelta(days=365)  # as the institution page's refund counts (mediation.offerings)
WEIGHT = 2  # a flagged institution's extra weight in a draw: as much as one penalty decision


@dataclass(frozen=True)
class Counted:
    """One mediation case that counts against its institution."""

    id: int
    complaint_id: int
    institution_id: int
    ended_on: dt.date
    refused: bool
    broken: bool


@dataclass(frozen=True)
class Flag:
    """An institution's counting cases in the last year and the rule's threshold for its province."""

    institution_id: int
    cases: tuple[Counted, ...]
    threshold: int

    @property
    def refused(self) -> int:
        return sum(1 for case in self.cases if case.refused)

    @property
    def broken(self) -> int:
        return sum(1 for case in self.cases if case.broken)

    @property
    def flagged(self) -> bool:
        return len(self.cases) >= self.threshold


def refused_or_broken() -> ColumnElement[bool]:
    """The SQL test that the institution refused in a mediation case or broke its agreement."""
    return (MediationCase.end_reason == EndReason.INSTITUTION_REFUSED) | (MediationCase.broken_count > 0)


def against(today: dt.date) -> ColumnElement[bool]:
    """The SQL test that a mediation case counts against its institution on `today`."""
    return refused_or_broken() & (MediationCase.ended_on > today - YEAR) & (MediationCase.ended_on <= today)


def _counted(query: Select, today: dt.date | None) -> list[Counted]:
    """The cases `query` selects that count on `today` (None: refused or broken, whenever)."""
    rows = db.session.execute(query.with_only_columns(
        MediationCase.id, MediationCase.complaint_id, MediationCase.institution_id, MediationCase.ended_on,
        MediationCase.end_reason, MediationCase.broken_count)
        .where(refused_or_broken() if today is None else against(today))
        .order_by(MediationCase.ended_on, MediationCase.id))
    return [Counted(r.id, r.complaint_id, r.institution_id, r.ended_on, r.end_reason is EndReason.INSTITUTION_REFUSED,
                    r.broken_count > 0) for r in rows]


def _flags(found: list[Counted], regions: dict[int, str], today: dt.date) -> dict[int, Flag]:
    by_institution: dict[int, list[Counted]] = {i: [] for i in regions}
    for case in found:
        by_institution.setdefault(case.institution_id, []).append(case)
    return {i: Flag(i, tuple(cases), rules.value(RULE, regions[i], today)) for i, cases in by_institution.items()}


def flag_of(institution: Institution, today: dt.date) -> Flag:
    """The institution's counting cases and threshold (flagged or not)."""
    found = _counted(select(MediationCase).where(MediationCase.institution_id == institution.id), today)
    return _flags(found, {institution.id: institution.region_code}, today)[institution.id]


def ever_against(institution: Institution) -> list[Counted]:
    """Every mediation case the institution refused or broke the agreement in, of any age: what a
    finding may rest on besides the flag's cases."""
    return _counted(select(MediationCase).where(MediationCase.institution_id == institution.id), None)


def flags_for(institution_ids: list[int], today: dt.date) -> dict[int, Flag]:
    """Each listed institution's flag, in two queries whatever their number."""
    if not institution_ids:
        return {}
    regions = dict(db.session.execute(select(Institution.id, Institution.region_code)
                                      .where(Institution.id.in_(institution_ids))).all())
    found = _counted(select(MediationCase).where(MediationCase.institution_id.in_(institution_ids)), today)
    return _flags(found, regions, today)


def flagged_in(scope_prefix: str, today: dt.date) -> list[Flag]:
    """The flagged institutions of a jurisdiction (the code prefix of it and what lies inside), the
    most counting cases first."""
    found = _counted(select(MediationCase).join(Institution, Institution.id == MediationCase.institution_id)
                     .where(code_range(Institution.region_code, scope_prefix, 6)), today)
    regions = dict(db.session.execute(select(Institution.id, Institution.region_code).where(
        Institution.id.in_({case.institution_id for case in found}))).all()) if found else {}
    flags = [flag for flag in _flags(found, regions, today).values() if flag.flagged]
    return sorted(flags, key=lambda flag: (-len(flag.cases), flag.institution_id))


def extra_weight(institution_ids: list[int], today: dt.date) -> dict[int, int]:
    """The inspections' weight source: +WEIGHT for a flagged institution (the draw caps the sum)."""
    return {i: WEIGHT for i, flag in flags_for(institution_ids, today).items() if flag.flagged}
