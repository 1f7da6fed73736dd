"""The discretion benchmark (裁量基准): for each violation under each circumstance, the penalties
allowed and the fine range; drafts of penalty disclosures are checked against it, and the public
sees it as the enforcement matters catalogue.

A national benchmark with province overrides: the line that applies to a record of region R is R's
province's own line for that violation × circumstance if it has one, else the national line. The
national lines are changed by administrators whose jurisdiction is the whole country (and entered by
`flask discretion load`); a province's own lines by that province's administrators, who may also
remove one so the national line applies again (scopes as in `portal.rules`: "" national, else the
province's two-digit prefix). Every change writes an audit record (object type "discretion_rule").
Services flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.casework.models import Category
from portal.discretion.models import Circumstance, DiscretionRule, Level, PenaltyCategory
from portal.errors import Conflict, NotAllowed, NotFound
from portal.extensions import db
from portal.rules import service as scopes
from portal.security import audit

NATIONAL = scopes.NATIONAL
MAX_ID = 2**31 - 1
CIRCUMSTANCE_ORDER = {member: index for index, member in enumerate(Circumstance)}
VIOLATION_ORDER = {member: index for index, member in enumerate(Category)}


class RuleInvalid(ValueError):
    """A benchmark line that cannot be stored; args[0] names the field."""


class RulesNotYours(NotAllowed):
    """National administrators change the national lines, a province's administrators its own lines."""


class RuleNotFound(NotFound):
    """No such line of the benchmark (or another province's)."""


class NationalLineKept(Conflict):
    """A national line is changed, never removed: only a province's own line is removed."""


def rule_penalties(rule: DiscretionRule) -> list[PenaltyCategory]:
    """The penalty categories the line allows (values no longer known are skipped)."""
    known = {member.value: member for member in PenaltyCategory}
    return [known[value] for value in rule.penalties.split(",") if value in known]


def scope_of(region_code: str | None) -> str:
    """The scope whose lines apply to a region: its province, or national for None or the country."""
    return scopes.scope_of(region_code)


def benchmark(violation: Category | None, circumstance: Circumstance | None,
              region_code: str | None) -> DiscretionRule | None:
    """The benchmark line in force in `region_code` (None: national) for a violation under a
    circumstance: the province's own line, else the national one, else None."""
    if violation is None or circumstance is None:
        return None
    scope = scope_of(region_code)
    found = {rule.scope: rule for rule in db.session.scalars(select(DiscretionRule).where(
        DiscretionRule.violation == violation, DiscretionRule.circumstance == circumstance,
        DiscretionRule.scope.in_({NATIONAL, scope})))}
    return found.get(scope) or found.get(NATIONAL)


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


def _ordered(lines) -> list[DiscretionRule]:
    return sorted(lines, key=lambda r: (VIOLATION_ORDER[r.violation], CIRCUMSTANCE_ORDER[r.circumstance]))


def own_rules(scope: str) -> list[DiscretionRule]:
    """A scope's own lines (the national ones for NATIONAL), by violation and circumstance."""
    return _ordered(db.session.scalars(select(DiscretionRule).where(DiscretionRule.scope == scope)))


def rules(scope: str = NATIONAL) -> list[DiscretionRule]:
    """The lines in force in a scope, by violation and circumstance (least serious first): the
    province's own lines, and the national line wherever the province has none. A line's `scope`
    tells which it is."""
    in_force = {(rule.violation, rule.circumstance): rule for rule in db.session.scalars(
        select(DiscretionRule).where(DiscretionRule.scope.in_({NATIONAL, scope})).order_by(DiscretionRule.scope))}
    return _ordered(in_force.values())  # national rows first, so a province's own line replaces its national one


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


def matters(scope: str = NATIONAL) -> list[MatterGroup]:
    """The enforcement matters catalogue in force in a scope, grouped by violation type."""
    groups: list[MatterGroup] = []
    for rule in rules(scope):
        if not groups or groups[-1].violation is not rule.violation:
            groups.append(MatterGroup(rule.violation, []))
        groups[-1].rules.append(rule)
    return groups


def editable_scope(user: User) -> str | None:
    """The scope whose lines an account changes: NATIONAL for national administrators, the province
    for a province's administrators, None (read only) for anyone else."""
    return scopes.editable_scope(user)


def may_change_rules(user: User) -> bool:
    """Whether the account changes some lines of the benchmark (national or its province's)."""
    return editable_scope(user) is not None


def for_change(user: User, rule_id: int) -> DiscretionRule:
    """A line the account may change: of its own scope (RulesNotYours for an account that changes
    no lines, and for national lines to a province or provinces' lines to the nation; RuleNotFound
    for a line that does not exist or is another province's)."""
    scope = editable_scope(user)
    if scope is None:
        raise RulesNotYours("rule")
    rule = db.session.get(DiscretionRule, rule_id) if 1 <= rule_id <= MAX_ID else None
    if rule is None or (rule.scope != scope and NATIONAL not in (rule.scope, scope)):
        raise RuleNotFound(rule_id)
    if rule.scope != scope:
        raise RulesNotYours("rule")
    return rule


def _rule_state(rule: DiscretionRule) -> dict:
    return {"scope": rule.scope or "national", "violation": rule.violation.value,
            "circumstance": rule.circumstance.value, "matter": rule.matter,
            "criteria": rule.criteria, "legal_basis": rule.legal_basis, "level": rule.level.value,
            "penalties": rule.penalties,
            "fine_min": str(rule.fine_min if rule.fine_min is not None else ""),
            "fine_max": str(rule.fine_max if rule.fine_max is not None else "")}


def save_rule(actor: User, violation: Category, circumstance: Circumstance, matter: str, legal_basis: str,
              level: Level, penalties: list[PenaltyCategory], fine_min: Decimal | None, fine_max: Decimal | None,
              rule: DiscretionRule | None = None, criteria: str = "") -> DiscretionRule:
    """Add a line to the actor's scope, or change one of its lines; one line per scope × violation ×
    circumstance (a province's line for a violation and circumstance the nation has applies instead of it)."""
    scope = editable_scope(actor)
    if scope is None or (rule is not None and rule.scope != scope):
        raise RulesNotYours("rule")
    rule = _store(f"user:{actor.id}", scope, violation, circumstance, matter, legal_basis, level, penalties, fine_min,
                  fine_max, rule, criteria)
    return rule


def check_line(violation: Category, circumstance: Circumstance, penalties: list[PenaltyCategory],
               fine_min: Decimal | None, fine_max: Decimal | None, rule_id: int | None, scope: str = NATIONAL) -> None:
    """The rules of one line (RuleInvalid naming the field): a penalty, a fine range only with a
    fine, not negative, lowest not above highest, one line per scope × violation × circumstance."""
    if not penalties:
        raise RuleInvalid("penalties")
    if (fine_min is not None or fine_max is not None) and PenaltyCategory.FINE not in penalties:
        raise RuleInvalid("fine_min")
    for amount in (fine_min, fine_max):
        if amount is not None and amount < 0:
            raise RuleInvalid("fine_min")
    if fine_min is not None and fine_max is not None and fine_min > fine_max:
        raise RuleInvalid("fine_max")
    clash = db.session.scalar(select(DiscretionRule.id).where(DiscretionRule.scope == scope,
                                                              DiscretionRule.violation == violation,
                                                              DiscretionRule.circumstance == circumstance))
    if clash is not None and clash != rule_id:
        raise RuleInvalid("circumstance")


def _store(actor: str, scope: str, violation: Category, circumstance: Circumstance, matter: str, legal_basis: str,
           level: Level, penalties: list[PenaltyCategory], fine_min: Decimal | None, fine_max: Decimal | None,
           rule: DiscretionRule | None, criteria: str) -> DiscretionRule:
    check_line(violation, circumstance, penalties, fine_min, fine_max, rule.id if rule is not None else None, scope)
    before = _rule_state(rule) if rule is not None else None
    if rule is None:
        rule = DiscretionRule(scope=scope)
        db.session.add(rule)
    rule.violation, rule.circumstance, rule.matter, rule.legal_basis = violation, circumstance, matter, legal_basis
    rule.criteria = criteria
    rule.level, rule.penalties = level, ",".join(p.value for p in PenaltyCategory if p in penalties)
    rule.fine_min, rule.fine_max, rule.updated_at = fine_min, fine_max, clock.now()
    db.session.flush()
    audit.record(actor, "discretion.changed" if before else "discretion.added", "discretion_rule",
                 rule.id, before=before, after=_rule_state(rule))
    return rule


def remove_rule(actor: User, rule: DiscretionRule) -> None:
    """Remove one of the actor's province's own lines, so the national line applies there again
    (audited as `discretion.removed`); a national line is kept (NationalLineKept)."""
    scope = editable_scope(actor)
    if scope is None or rule.scope != scope:
        raise RulesNotYours("rule")
    if rule.scope == NATIONAL:
        raise NationalLineKept(rule.id)
    before, rule_id = _rule_state(rule), rule.id
    db.session.delete(rule)
    db.session.flush()
    audit.record(f"user:{actor.id}", "discretion.removed", "discretion_rule", rule_id, before=before)


def load_catalogue(actor: str) -> int:
    """Enter the national lines of the 教育部令第53号 catalogue (`order53.MATTERS`) that are missing;
    lines already there, entered or changed by an administrator, are left alone, and provinces'
    lines are never touched. Each line added is audited as `discretion.added` by `actor`; returns
    how many were added."""
    from portal.discretion.order53 import MATTERS

    existing = set(db.session.execute(select(DiscretionRule.violation, DiscretionRule.circumstance)
                                      .where(DiscretionRule.scope == NATIONAL)).all())
    added = 0
    for matter in MATTERS:
        for tier in matter.tiers:
            if (matter.violation, tier.circumstance) in existing:
                continue
            _store(actor, NATIONAL, matter.violation, tier.circumstance, matter.matter, matter.legal_basis,
                   matter.level, list(tier.penalties), tier.fine_min, tier.fine_max, None, tier.criteria)
            added += 1
    return added
