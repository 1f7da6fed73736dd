"""How long a penalty decision stays published (SAMR 令第45号 art. 13; 信用中国 practice, NDRC
令第58号: general 3 months – 1 year, serious 1 – 3 years), counted from the decision date.

- The tier follows the circumstances: minor and general → general; serious and especially
  serious → serious.
- Each penalty type has its range under each tier (`DEFAULT_MONTHS`, overridden by the rows of
  `publication_periods`); a decision with several types takes the longest: the largest minimum
  and the largest maximum.
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
from portal.accounts.models import Role, User
from portal.discretion.models import Circumstance, PenaltyCategory
from portal.errors import Invalid, NotAllowed
from portal.extensions import db
from portal.publication.models import PublicationPeriod, Tier
from portal.regions import service as regions
from portal.security import audit

BASIS = "市场监管总局令第45号 第十三条；国家发展改革委令第58号"
DEFAULT_MONTHS = {Tier.GENERAL: (3, 12), Tier.SERIOUS: (12, 36)}
# Bans and restrictions longer than this stay published for as long as they last.
LASTS_AS_LONG = frozenset({PenaltyCategory.OCCUPATIONAL_BAN, PenaltyCategory.RESTRICT_BUSINESS})
LONG_TERM_MONTHS = 36
NOT_PUBLISHED_SIMPLIFIED = frozenset({PenaltyCategory.WARNING})
LONGEST_MONTHS = 120  # a period an administrator may enter, at most


class PeriodsNotYours(NotAllowed):
    """The periods are the same everywhere: only administrators of a province (or wider)."""


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


def table() -> dict[tuple[PenaltyCategory, Tier], tuple[int, int]]:
    """Every penalty type × tier with its months: the defaults, overridden by stored rows."""
    known = {member.value: member for member in PenaltyCategory}
    months = {(penalty, tier): DEFAULT_MONTHS[tier] for penalty in PenaltyCategory for tier in Tier}
    for row in db.session.scalars(select(PublicationPeriod)):
        if row.penalty in known:
            months[(known[row.penalty], row.tier)] = (row.min_months, row.max_months)
    return months


def month_range(penalties: Iterable[PenaltyCategory], tier: Tier) -> tuple[int, int]:
    """The months allowed for these penalties under the tier: the longest of the types."""
    months = table()
    found = [months[(penalty, tier)] for penalty in penalties] or [DEFAULT_MONTHS[tier]]
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
    """Only administrators of a province (or wider) change the periods."""
    return user.active and user.role is Role.ADMIN and len(regions.get(user.region_code).scope_prefix) <= 2


def save_period(actor: User, penalty: PenaltyCategory, tier: Tier, low: int, high: int) -> PublicationPeriod:
    """Set the months of one penalty type under one tier (a stored row overrides the default);
    audited as "publication_period.changed". Flushes, never commits."""
    if not may_change(actor):
        raise PeriodsNotYours("period")
    if not 1 <= low <= LONGEST_MONTHS:
        raise PeriodInvalid("min_months")
    if not low <= high <= LONGEST_MONTHS:
        raise PeriodInvalid("max_months")
    row = db.session.scalar(select(PublicationPeriod).where(PublicationPeriod.penalty == penalty.value,
                                                            PublicationPeriod.tier == tier))
    before_low, before_high = table()[(penalty, tier)]
    if row is None:
        row = PublicationPeriod(penalty=penalty.value, tier=tier)
        db.session.add(row)
    row.min_months, row.max_months, row.updated_at = low, high, clock.now()
    db.session.flush()
    audit.record(f"user:{actor.id}", "publication_period.changed", "publication_period", row.id,
                 before={"penalty": penalty.value, "tier": tier.value, "months": f"{before_low}-{before_high}"},
                 after={"penalty": penalty.value, "tier": tier.value, "months": f"{low}-{high}"})
    return row
