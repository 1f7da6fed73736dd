"""The complaint track's legal time limits, as data; they are counted by `portal.workdays.periods`."""
from __future__ import annotations

from portal.workdays.periods import Due, Rule, Unit, add_period

__all__ = ["RULES", "Due", "Rule", "Unit", "add_period", "conclusion_rule"]


RULES = {
    "acceptance": Rule(15, Unit.CALENDAR_DAYS, "信访工作条例 第二十三条"),
    "misrouted_objection": Rule(5, Unit.WORKING_DAYS, "信访工作条例 第二十三条"),
    "conclusion": Rule(60, Unit.CALENDAR_DAYS, "信访工作条例 第三十四条"),
    "extension_max": Rule(30, Unit.CALENDAR_DAYS, "信访工作条例 第三十四条"),
    "review_request": Rule(30, Unit.CALENDAR_DAYS, "信访工作条例 第三十五条"),
    "review_decision": Rule(30, Unit.CALENDAR_DAYS, "信访工作条例 第三十五条"),
    "re_review_request": Rule(30, Unit.CALENDAR_DAYS, "信访工作条例 第三十六条"),
    "re_review_decision": Rule(30, Unit.CALENDAR_DAYS, "信访工作条例 第三十六条"),
    "notify_named_reporter": Rule(5, Unit.WORKING_DAYS, "市场监督管理投诉举报处理暂行办法 第三十一条"),
}



def conclusion_rule(extra_days: int = 0) -> Rule:
    """The period for the written reply, with an approved extension's days added to the legal period."""
    conclusion = RULES["conclusion"]
    return Rule(conclusion.days + extra_days, conclusion.unit, conclusion.basis)
