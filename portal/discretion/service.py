"""The discretion benchmark (裁量基准): for each violation under each circumstance, the penalties
allowed and the fine range; drafts of penalty disclosures are checked against it, and the public
sees it as the enforcement matters catalogue. One benchmark for the whole portal, so only
administrators whose jurisdiction is the whole country change it (a province's administrator
changing it would change it for every province); every change writes an audit record (object type
"discretion_rule"). Services flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework.models import Category
from portal.discretion.models import Circumstance, DiscretionRule, Level, PenaltyCategory
from portal.errors import NotAllowed, NotFound
from portal.extensions import db
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.security import audit

MAX_ID = 2**31 - 1
CIRCUMSTANCE_ORDER = {member: index for index, member in enumerate(Circumstance)}
VIOLATION_ORDER = {member: index for index, member in enumerate(Category)}


class RuleInvalid(ValueError):
    """A benchmark line that cannot be stored; args[0] names the field."""


class RulesNotYours(NotAllowed):
    """Only national administrators change the benchmark."""


class RuleNotFound(NotFound):
    """No such line of the benchmark."""


def rule_penalties(rule: DiscretionRule) -> list[PenaltyCategory]:
    """The penalty categories the line allows (values no longer known are skipped)."""
    known = {member.value: member for member in PenaltyCategory}
    return [known[value] for value in rule.penalties.split(",") if value in known]


def benchmark(violation: Category | None, circumstance: Circumstance | None) -> DiscretionRule | None:
    """The benchmark line for a violation under a circumstance, if admins have entered one."""
    if violation is None or circumstance is None:
        return None
    return db.session.scalar(select(DiscretionRule).where(DiscretionRule.violation == violation,
                                                          DiscretionRule.circumstance == circumstance))


def outside_range(rule: DiscretionRule | None, penalties: list[PenaltyCategory],
                  fine: Decimal | None) -> list[str]:
    """What falls outside the benchmark: each penalty it does not allow (by value), and
    "fine_amount" for a fine below its minimum or above its maximum. Empty without a rule."""
    if rule is None:
        return []
    allowed = set(rule_penalties(rule))
    parts = [penalty.value for penalty in penalties if penalty not in allowed]
    if fine is not None and PenaltyCategory.FINE in allowed:
        if (rule.fine_min is not None and fine < rule.fine_min) or (rule.fine_max is not None and fine > rule.fine_max):
            parts.append("fine_amount")
    return parts


def rules() -> list[DiscretionRule]:
    """Every benchmark line, by violation and circumstance (least serious first)."""
    return sorted(db.session.scalars(select(DiscretionRule)),
                  key=lambda r: (VIOLATION_ORDER[r.violation], CIRCUMSTANCE_ORDER[r.circumstance]))


@dataclass(frozen=True)
class MatterGroup:
    """The catalogue's lines for one violation type, least serious first."""

    violation: Category
    rules: list[DiscretionRule]

    @property
    def sections(self) -> list[list[DiscretionRule]]:
        """The lines in runs that share matter, legal basis and level (shown once above their tiers)."""
        runs: list[list[DiscretionRule]] = []
        for rule in self.rules:
            if runs and (runs[-1][0].matter, runs[-1][0].legal_basis, runs[-1][0].level) == \
                    (rule.matter, rule.legal_basis, rule.level):
                runs[-1].append(rule)
            else:
                runs.append([rule])
        return runs


def matters() -> list[MatterGroup]:
    """The enforcement matters catalogue: every discretion rule, grouped by violation type."""
    groups: list[MatterGroup] = []
    for rule in rules():
        if not groups or groups[-1].violation is not rule.violation:
            groups.append(MatterGroup(rule.violation, []))
        groups[-1].rules.append(rule)
    return groups


def for_change(user: User, rule_id: int) -> DiscretionRule:
    """A line of the benchmark for someone who may change it (RulesNotYours, RuleNotFound)."""
    if not may_change_rules(user):
        raise RulesNotYours("rule")
    rule = db.session.get(DiscretionRule, rule_id) if 1 <= rule_id <= MAX_ID else None
    if rule is None:
        raise RuleNotFound(rule_id)
    return rule


def may_change_rules(user: User) -> bool:
    """The benchmark is the same everywhere: only administrators whose jurisdiction is the whole country."""
    return user.active and user.role is Role.ADMIN and regions.get(user.region_code).level is RegionLevel.COUNTRY


def _rule_state(rule: DiscretionRule) -> dict:
    return {"violation": rule.violation.value, "circumstance": rule.circumstance.value, "matter": rule.matter,
            "criteria": rule.criteria, "legal_basis": rule.legal_basis, "level": rule.level.value,
            "penalties": rule.penalties,
            "fine_min": str(rule.fine_min if rule.fine_min is not None else ""),
            "fine_max": str(rule.fine_max if rule.fine_max is not None else "")}


def save_rule(actor: User, violation: Category, circumstance: Circumstance, matter: str, legal_basis: str,
              level: Level, penalties: list[PenaltyCategory], fine_min: Decimal | None, fine_max: Decimal | None,
              rule: DiscretionRule | None = None, criteria: str = "") -> DiscretionRule:
    """Add a benchmark line, or change one; one line per violation × circumstance."""
    if not may_change_rules(actor):
        raise RulesNotYours("rule")
    rule = _store(f"user:{actor.id}", violation, circumstance, matter, legal_basis, level, penalties, fine_min,
                  fine_max, rule, criteria)
    return rule


def check_line(violation: Category, circumstance: Circumstance, penalties: list[PenaltyCategory],
               fine_min: Decimal | None, fine_max: Decimal | None, rule_id: int | None) -> None:
    """The rules of one line (RuleInvalid naming the field): a penalty, a fine range only with a
    fine, not negative, lowest not above highest, one line per violation × circumstance."""
    if not penalties:
        raise RuleInvalid("penalties")
    if (fine_min is not None or fine_max is not None) and PenaltyCategory.FINE not in penalties:
        raise RuleInvalid("fine_min")
    for amount in (fine_min, fine_max):
        if amount is not None and amount < 0:
            raise RuleInvalid("fine_min")
    if fine_min is not None and fine_max is not None and fine_min > fine_max:
        raise RuleInvalid("fine_max")
    clash = db.session.scalar(select(DiscretionRule.id).where(DiscretionRule.violation == violation,
                                                              DiscretionRule.circumstance == circumstance))
    if clash is not None and clash != rule_id:
        raise RuleInvalid("circumstance")


def _store(actor: str, violation: Category, circumstance: Circumstance, matter: str, legal_basis: str,
           level: Level, penalties: list[PenaltyCategory], fine_min: Decimal | None, fine_max: Decimal | None,
           rule: DiscretionRule | None, criteria: str) -> DiscretionRule:
    check_line(violation, circumstance, penalties, fine_min, fine_max, rule.id if rule is not None else None)
    before = _rule_state(rule) if rule is not None else None
    if rule is None:
        rule = DiscretionRule()
        db.session.add(rule)
    rule.violation, rule.circumstance, rule.matter, rule.legal_basis = violation, circumstance, matter, legal_basis
    rule.criteria = criteria
    rule.level, rule.penalties = level, ",".join(p.value for p in PenaltyCategory if p in penalties)
    rule.fine_min, rule.fine_max, rule.updated_at = fine_min, fine_max, clock.now()
    db.session.flush()
    audit.record(actor, "discretion.changed" if before else "discretion.added", "discretion_rule",
                 rule.id, before=before, after=_rule_state(rule))
    return rule


def load_catalogue(actor: str) -> int:
    """Enter the lines of the 教育部令第53号 catalogue (`order53.MATTERS`) that are missing; lines
    already there, entered or changed by an administrator, are left alone. Each line added is
    audited as `discretion.added` by `actor`; returns how many were added."""
    from portal.discretion.order53 import MATTERS

    existing = set(db.session.execute(select(DiscretionRule.violation, DiscretionRule.circumstance)).all())
    added = 0
    for matter in MATTERS:
        for tier in matter.tiers:
            if (matter.violation, tier.circumstance) in existing:
                continue
            _store(actor, matter.violation, tier.circumstance, matter.matter, matter.legal_basis, matter.level,
                   list(tier.penalties), tier.fine_min, tier.fine_max, None, tier.criteria)
            added += 1
    return added
