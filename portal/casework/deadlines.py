"""The complaint track's legal time limits: rules kept as data (`portal.rules`, national defaults
and province overrides), counted by `portal.workdays.periods`. A case's period is counted with the
rule in force for its region when that period started."""
from __future__ import annotations

import datetime as dt

from portal.rules import service as rules
from portal.workdays.periods import Due, Rule, Unit, add_period

__all__ = ["Due", "Rule", "Unit", "add_period", "conclusion_rule", "rule"]

NAMES = ("acceptance", "misrouted_objection", "conclusion", "extension_max", "review_request", "review_decision",
         "re_review_request", "re_review_decision", "notify_named_reporter")


def rule(name: str, region_code: str, at: dt.datetime | dt.date | None = None) -> Rule:
    """The limit `name` in force for a case of `region_code` at `at` (now by default)."""
    return rules.limit(name, region_code, at)


def conclusion_rule(region_code: str, at: dt.datetime | dt.date | None = None, extra_days: int = 0) -> Rule:
    """The period for the written reply, with an approved extension's days added to the legal period."""
    conclusion = rule("conclusion", region_code, at)
    return Rule(conclusion.days + extra_days, conclusion.unit, conclusion.basis)
