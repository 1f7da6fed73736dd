"""The benchmark as CSV: the lines in force in a scope exported (with a `source` column: `province`
for the province's own line, `national` for the national one), imported by an administrator into
their own scope in two steps — a dry run that lists every error by row number and what would
change, then the import, which checks everything again and stores all or nothing. A national
administrator's file writes national lines; a province administrator's writes that province's lines:
a row that differs from the line in force becomes (or changes) the province's own line, a row the
same as it changes nothing (so an exported file imports as "unchanged"). Codes, not labels, so a
file exported in either language imports the same; `docs/domain.md` lists the columns."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from portal.accounts.models import User
from portal.casework.models import Category
from portal.csvexport import to_csv
from portal.discretion import service
from portal.discretion.models import Circumstance, DiscretionRule, Level, PenaltyCategory
from portal.security import audit
from portal.text import clean_text

COLUMNS = ("violation", "circumstance", "matter", "criteria", "legal_basis", "level", "penalties", "fine_min",
           "fine_max")
MAX_ROWS = 500
MAX_BYTES = 512 * 1024
SOURCE = "source"  # exported, not read back: which scope the line in force comes from
LIMITS = {"matter": 200, "criteria": 5000, "legal_basis": 5000}


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def export_csv(scope: str = service.NATIONAL) -> str:
    """The lines in force in `scope`, in the import's columns (penalties separated by "|"), and
    `source`: "province" for the province's own line, "national" for the national one."""
    return to_csv(COLUMNS + (SOURCE,), ([rule.violation.value, rule.circumstance.value, rule.matter, rule.criteria,
                                         rule.legal_basis, rule.level.value,
                                         "|".join(p.value for p in service.rule_penalties(rule)),
                                         _amount(rule.fine_min), _amount(rule.fine_max),
                                         "province" if rule.scope else "national"] for rule in service.rules(scope)))


@dataclass
class Line:
    violation: Category
    circumstance: Circumstance
    matter: str
    criteria: str
    legal_basis: str
    level: Level
    penalties: list[PenaltyCategory]
    fine_min: Decimal | None
    fine_max: Decimal | None


@dataclass
class Checked:
    """A file checked: errors as (row number, column, problem code); the lines to add and to change."""

    errors: list[tuple[int, str, str]] = field(default_factory=list)
    added: list[Line] = field(default_factory=list)
    changed: list[tuple[DiscretionRule, Line]] = field(default_factory=list)
    unchanged: int = 0


def _enum(enum, value: str):
    return next((member for member in enum if member.value == value.strip()), None)


def _money(value: str) -> Decimal | None | str:
    value = value.strip().replace(",", "")
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return "not_a_number"
    return amount if amount.is_finite() and amount >= 0 and amount == amount.quantize(Decimal("0.01")) \
        else "not_a_number"


def _parse_row(number: int, row: dict, checked: Checked) -> Line | None:
    errors = []
    values = {name: clean_text(row.get(name) or "").strip() for name in COLUMNS}
    violation, circumstance = _enum(Category, values["violation"]), _enum(Circumstance, values["circumstance"])
    level = _enum(Level, values["level"])
    for name, found in (("violation", violation), ("circumstance", circumstance), ("level", level)):
        if found is None:
            errors.append((number, name, "unknown_code"))
    for name in ("matter", "legal_basis"):
        if not values[name]:
            errors.append((number, name, "required"))
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors.append((number, name, "too_long"))
    codes = [code.strip() for code in values["penalties"].split("|") if code.strip()]
    penalties = [_enum(PenaltyCategory, code) for code in codes]
    if not codes or None in penalties:
        errors.append((number, "penalties", "unknown_code" if codes else "required"))
    amounts = {name: _money(values[name]) for name in ("fine_min", "fine_max")}
    errors.extend((number, name, amount) for name, amount in amounts.items() if isinstance(amount, str))
    if errors:
        checked.errors.extend(errors)
        return None
    return Line(violation, circumstance, values["matter"], values["criteria"], values["legal_basis"], level,
                [p for p in PenaltyCategory if p in penalties], amounts["fine_min"], amounts["fine_max"])


def _same(rule: DiscretionRule, line: Line) -> bool:
    return (rule.matter, rule.criteria, rule.legal_basis, rule.level, service.rule_penalties(rule), rule.fine_min,
            rule.fine_max) == (line.matter, line.criteria, line.legal_basis, line.level, line.penalties,
                               line.fine_min, line.fine_max)


def check(text: str, scope: str = service.NATIONAL) -> Checked:
    """Read and check a file for `scope` without storing anything. Row 1 is the header; a data row's
    number is its line in the spreadsheet. Problem codes: missing_columns, too_many_rows,
    unknown_code, required, too_long, not_a_number, fine_without_fine, fine_range, duplicate. In a
    province, a row the same as the national line in force (the province has none) is unchanged."""
    checked = Checked()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        checked.errors.append((1, ",".join(missing), "missing_columns"))
        return checked
    existing = {(rule.violation, rule.circumstance): rule for rule in service.own_rules(scope)}
    in_force = {(rule.violation, rule.circumstance): rule for rule in service.rules(scope)}
    seen: set[tuple[Category, Circumstance]] = set()
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            checked.errors.append((number, "", "too_many_rows"))
            break
        line = _parse_row(number, row, checked)
        if line is None:
            continue
        key = (line.violation, line.circumstance)
        if key in seen:
            checked.errors.append((number, "circumstance", "duplicate"))
            continue
        seen.add(key)
        rule = existing.get(key)
        try:
            service.check_line(line.violation, line.circumstance, line.penalties, line.fine_min, line.fine_max,
                               rule.id if rule is not None else None, scope)
        except service.RuleInvalid as exc:
            field_name = exc.args[0]
            problem = "fine_without_fine" if field_name == "fine_min" and line.fine_min is not None \
                and PenaltyCategory.FINE not in line.penalties else "fine_range"
            checked.errors.append((number, field_name, problem))
            continue
        if rule is None and key in in_force and _same(in_force[key], line):
            checked.unchanged += 1  # the national line in force already says this
        elif rule is None:
            checked.added.append(line)
        elif _same(rule, line):
            checked.unchanged += 1
        else:
            checked.changed.append((rule, line))
    return checked


def apply(actor: User, text: str, filename: str) -> Checked:
    """Check the file again and, if it has no error, store every new and changed line in the actor's
    scope (each audited as an addition or change, and the import once as `discretion.imported`).
    Lines the file does not name are kept. Raises RulesNotYours for anyone but a national
    administrator (national lines) or a province's administrator (that province's lines)."""
    scope = service.editable_scope(actor)
    if scope is None:
        raise service.RulesNotYours("rule")
    checked = check(text, scope)
    if checked.errors:
        return checked
    for rule, line in [(None, line) for line in checked.added] + checked.changed:
        service.save_rule(actor, line.violation, line.circumstance, line.matter, line.legal_basis, line.level,
                          line.penalties, line.fine_min, line.fine_max, rule, line.criteria)
    audit.record(f"user:{actor.id}", "discretion.imported", "discretion_rule", "benchmark",
                 after={"scope": scope or "national", "file": filename[:200], "added": len(checked.added),
                        "changed": len(checked.changed),
                        "unchanged": checked.unchanged})
    return checked
