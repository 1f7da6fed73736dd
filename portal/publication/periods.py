"""How long a penalty decision stays published (SAMR 令第45号 art. 13; 信用中国 practice, NDRC
令第58号: general 3 months – 1 year, serious 1 – 3 years), counted from the decision date.

- The tier follows the circumstances: minor and general → general; serious and especially
  serious → serious.
- Each tier has its range (the rules `period_<tier>_min` and `_max`, kept as data in `portal.rules`,
  national defaults 3 – 12 and 12 – 36 months); a penalty type's range under a tier may be set
  apart by a row of `publication_periods`, nationally or for one province (the province's row
  first); a decision with several types takes the longest: the largest minimum and the largest
  maximum.
- An occupational ban or a business restriction lasting longer than three years stays published
  for as long as it lasts; a lifelong one never drops off (publication end None).
- A warning decided by the simplified procedure (行政处罚法 art. 51) is not published.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.discretion.models import Circumstance, PenaltyCategory
from portal.errors import Invalid, NotAllowed
from portal.extensions import db
from portal.publication.models import PublicationPeriod, Tier
from portal.rules import service as rules
from portal.security import audit

BASIS = "市场监管总局令第45号 第十三条；国家发展改革委令第58号"
# Bans and restrictions longer than this stay published for as long as they last.
LASTS_AS_LONG = frozenset({PenaltyCategory.OCCUPATIONAL_BAN, PenaltyCategory.RESTRICT_BUSINESS})
LONG_TERM_MONTHS = 36
NOT_PUBLISHED_SIMPLIFIED = frozenset({PenaltyCategory.WARNING})
LONGEST_MONTHS = 120  # a period an administrator may enter, at most


class PeriodsNotYours(NotAllowed):
    """Only a province's administrators change its periods, and national administrators the national ones."""


class PeriodInvalid(Invalid):
    """The shortest period must be at least 1 month and not above the longest; args[0] names the field."""


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, the day clamped to the month's end (31 January + 1 → 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def tier_for(circumstance: Circumstance) -> Tier:
    """The publication tier of a decision's circumstances."""
    if circumstance in (Circumstance.SERIOUS, Circumstance.ESPECIALLY_SERIOUS):
        return Tier.SERIOUS
    return Tier.GENERAL


def tier_months(tier: Tier, region_code: str | None = None) -> tuple[int, int]:
    """A tier's range in months for the region (the rules kept as data)."""
    return (rules.value(f"period_{tier.value}_min", region_code), rules.value(f"period_{tier.value}_max", region_code))


def table(region_code: str | None = None) -> dict[tuple[PenaltyCategory, Tier], tuple[int, int]]:
    """Every penalty type × tier with its months for the region (None: national): the tier's range,
    overridden by the national rows, then by the province's."""
    known = {member.value: member for member in PenaltyCategory}
    months = {(penalty, tier): tier_months(tier, region_code) for penalty in PenaltyCategory for tier in Tier}
    scope = rules.scope_of(region_code)
    rows = db.session.scalars(select(PublicationPeriod).where(PublicationPeriod.scope.in_({"", scope}))
                              .order_by(PublicationPeriod.scope))  # national first, the province over it
    for row in rows:
        if row.penalty in known:
            months[(known[row.penalty], row.tier)] = (row.min_months, row.max_months)
    return months


def month_range(penalties: Iterable[PenaltyCategory], tier: Tier, region_code: str | None = None) -> tuple[int, int]:
    """The months allowed for these penalties under the tier in the region: the longest of the types."""
    months = table(region_code)
    found = [months[(penalty, tier)] for penalty in penalties] or [tier_months(tier, region_code)]
    return max(low for low, _ in found), max(high for _, high in found)


def lasts_as_long(penalties: Iterable[PenaltyCategory]) -> bool:
    """The penalties include a ban or restriction that keeps the decision published while it lasts."""
    return bool(set(penalties) & LASTS_AS_LONG)


def not_published(penalties: Iterable[PenaltyCategory], simplified: bool) -> bool:
    """A warning (alone) decided by the simplified procedure is not published."""
    chosen = set(penalties)
    return simplified and bool(chosen) and chosen <= NOT_PUBLISHED_SIMPLIFIED


def publication_end(decision_date: dt.date, months: int, penalties: Iterable[PenaltyCategory] = (),
                    valid_until: dt.date | None = None, lifelong: bool = False) -> dt.date | None:
    """The last day of publication, or None for a lifelong ban or restriction (never drops off):
    the decision date plus the months chosen, or the end of a ban or restriction lasting longer
    than three years if later."""
    end = add_months(decision_date, months)
    if lasts_as_long(penalties):
        if lifelong:
            return None
        if valid_until is not None and valid_until > add_months(decision_date, LONG_TERM_MONTHS):
            return max(end, valid_until)
    return end


def may_change(user: User) -> bool:
    """A province's administrators change its periods; national administrators the national ones."""
    return rules.editable_scope(user) is not None


def save_period(actor: User, penalty: PenaltyCategory, tier: Tier, low: int, high: int) -> PublicationPeriod:
    """Set the months of one penalty type under one tier in the actor's scope (the province, or
    national); audited as "publication_period.changed". Flushes, never commits."""
    scope = rules.editable_scope(actor)
    if scope is None:
        raise PeriodsNotYours("period")
    if not 1 <= low <= LONGEST_MONTHS:
        raise PeriodInvalid("min_months")
    if not low <= high <= LONGEST_MONTHS:
        raise PeriodInvalid("max_months")
    row = db.session.scalar(select(PublicationPeriod).where(PublicationPeriod.scope == scope,
                                                            PublicationPeriod.penalty == penalty.value,
                                                            PublicationPeriod.tier == tier))
    region = scope + "0000" if scope else None
    before_low, before_high = table(region)[(penalty, tier)]
    if row is None:
        row = PublicationPeriod(scope=scope, penalty=penalty.value, tier=tier)
        db.session.add(row)
    row.min_months, row.max_months, row.updated_at = low, high, clock.now()
    db.session.flush()
    audit.record(f"user:{actor.id}", "publication_period.changed", "publication_period", row.id,
                 before={"scope": scope or "national", "penalty": penalty.value, "tier": tier.value,
                         "months": f"{before_low}-{before_high}"},
                 after={"scope": scope or "national", "penalty": penalty.value, "tier": tier.value,
                        "months": f"{low}-{high}"})
    return row
