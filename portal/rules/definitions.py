"""Every rule kept as data: its name, what kind of value it holds, the national default, the bounds
the law leaves (a province may set a value only inside them) and its legal basis.

The defaults here are what `flask --app portal rules seed` (and the migration that made the table)
write as the national rows; once a national row exists, the portal reads the row, not this table.
A feature adding a rule adds a `Definition` here and a migration (or the seed command) writing its
national row; see docs/design.md, "Rules as data".
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.i18n import LabelledEnum, _l
from portal.workdays.periods import Unit


class Kind(enum.Enum):
    DAYS = "days"  # a time limit: whole days in the definition's unit
    MONTHS = "months"
    COUNT = "count"  # a whole number of something (class hours)
    YUAN = "yuan"  # money, to the fen
    PERCENT = "percent"  # a share, in per cent, up to two decimals
    FLAG = "flag"  # yes or no


class Group(LabelledEnum):
    COMPLAINTS = "complaints", _l("Complaint handling")
    DISCLOSURES = "disclosures", _l("Penalty disclosure")
    REWARDS = "rewards", _l("Rewards for reporters")
    INSTITUTIONS = "institutions", _l("Advice to parents")


@dataclass(frozen=True)
class Definition:
    name: str
    group: Group
    label: Any  # lazy translated string
    kind: Kind
    default: str
    low: Decimal  # the bounds a value must lie in, inclusive
    high: Decimal
    basis: str
    unit: Unit | None = None  # for DAYS

    def parse(self, text: str) -> Any:
        """The typed value of a stored or typed text; ValueError when it is not one, or out of bounds."""
        text = (text or "").strip()
        if self.kind is Kind.FLAG:
            if text not in ("yes", "no"):
                raise ValueError(text)
            return text == "yes"
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
        whole = self.kind in (Kind.DAYS, Kind.MONTHS, Kind.COUNT)
        places = 0 if whole else 2
        if not number.is_finite() or number != number.quantize(Decimal(1).scaleb(-places)):
            raise ValueError(text)
        if not self.low <= number <= self.high:
            raise ValueError(text)
        return int(number) if whole else number.quantize(Decimal(1).scaleb(-places))

    def store(self, value: Any) -> str:
        """The text a typed value is stored as."""
        if self.kind is Kind.FLAG:
            return "yes" if value else "no"
        return str(value)


WORKING, CALENDAR = Unit.WORKING_DAYS, Unit.CALENDAR_DAYS
XF = "信访工作条例"
REWARD_BASIS = "市场监管领域重大违法行为举报奖励暂行办法 (2021)"
PREPAID_BASIS = ("《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》(2021)；"
                 "《关于加强校外培训机构预收费监管工作的通知》")
D = Decimal
SAMR_MEDIATION = "市场监督管理投诉举报处理暂行办法 第十六条至第二十二条"


def _days(name, group, label, default, high, unit, basis, low=1):
    return Definition(name, group, label, Kind.DAYS, str(default), D(low), D(high), basis, unit)


def _grade(grade: int, rate: str, minimum: str) -> list[Definition]:
    return [
        Definition(f"reward_grade{grade}_rate", Group.REWARDS, _l("Grade %(grade)d: share of fines and confiscations",
                                                                  grade=grade), Kind.PERCENT, rate, D(0), D(100),
                   REWARD_BASIS),
        Definition(f"reward_grade{grade}_minimum", Group.REWARDS, _l("Grade %(grade)d: minimum", grade=grade),
                   Kind.YUAN, minimum, D(0), D(1000000), REWARD_BASIS),
    ]


DEFINITIONS: tuple[Definition, ...] = (
    # The statute's period is the most a province may allow for the office, the least for the reporter.
    _days("acceptance", Group.COMPLAINTS, _l("Decide whether to accept"), 15, 15, CALENDAR, f"{XF} 第二十三条"),
    _days("misrouted_objection", Group.COMPLAINTS, _l("Return a misrouted case with an objection"), 5, 5, WORKING,
          f"{XF} 第二十三条"),
    _days("conclusion", Group.COMPLAINTS, _l("Conclude an accepted case"), 60, 60, CALENDAR, f"{XF} 第三十四条"),
    _days("extension_max", Group.COMPLAINTS, _l("Longest extension"), 30, 30, CALENDAR, f"{XF} 第三十四条"),
    _days("review_request", Group.COMPLAINTS, _l("Ask for a review (复查) after the reply"), 30, 90, CALENDAR,
          f"{XF} 第三十五条", low=30),
    _days("review_decision", Group.COMPLAINTS, _l("Decide a review (复查)"), 30, 30, CALENDAR, f"{XF} 第三十五条"),
    _days("re_review_request", Group.COMPLAINTS, _l("Ask for a re-review (复核) after the review"), 30, 90, CALENDAR,
          f"{XF} 第三十六条", low=30),
    _days("re_review_decision", Group.COMPLAINTS, _l("Decide a re-review (复核)"), 30, 30, CALENDAR,
          f"{XF} 第三十六条"),
    _days("notify_named_reporter", Group.COMPLAINTS, _l("Tell a named reporter whether a case was opened"), 5, 5,
          WORKING, "市场监督管理投诉举报处理暂行办法 第三十一条"),
    _days("mediation_decision", Group.COMPLAINTS, _l("Decide whether to take a dispute for mediation"), 7, 7,
          WORKING, SAMR_MEDIATION),
    _days("mediation_conclusion", Group.COMPLAINTS, _l("End mediation with an agreement or a failure"), 45, 45,
          WORKING, SAMR_MEDIATION),
    Definition("refund_conduct_flag", Group.COMPLAINTS,
               _l("Flag an institution to staff: mediations it refused or agreements it broke in a year"),
               Kind.COUNT, "2", D(2), D(10), "本地规定（“双减”校外培训预收费监管）"),
    _days("enforcement_decision", Group.COMPLAINTS, _l("Decide an opened case (立案) with a penalty decision"), 90, 90,
          CALENDAR, "行政处罚法 第六十条"),
    # Reaching reporters who do not use the site (本地规定: no statute sets these).
    _days("letter_posting", Group.COMPLAINTS, _l("Post a notice to a reporter who asked for letters"), 3, 10,
          WORKING, "本地规定（书面告知的邮寄）"),
    _days("follow_up", Group.COMPLAINTS, _l("Follow-up call (回访) after the written reply"), 5, 15, WORKING,
          "本地规定（回访）"),
    Definition("follow_up_reopens", Group.COMPLAINTS,
               _l("An unsatisfied follow-up call sends the case back for handling"), Kind.FLAG, "no", D(0), D(0),
               "本地规定（回访不满意重办）"),
    _days("publication", Group.DISCLOSURES, _l("Publish a penalty decision"), 7, 20, WORKING,
          "市场监管总局令第45号 第九条；本地规定"),
    _days("withdrawal", Group.DISCLOSURES, _l("Withdraw a revoked decision"), 3, 3, WORKING,
          "行政处罚法 第四十八条、第八十五条"),
    Definition("period_general_min", Group.DISCLOSURES, _l("General tier: shortest publication"), Kind.MONTHS,
               "3", D(3), D(12), "国家发展改革委令第58号"),
    Definition("period_general_max", Group.DISCLOSURES, _l("General tier: longest publication"), Kind.MONTHS,
               "12", D(3), D(12), "国家发展改革委令第58号"),
    Definition("period_serious_min", Group.DISCLOSURES, _l("Serious tier: shortest publication"), Kind.MONTHS,
               "12", D(12), D(36), "国家发展改革委令第58号"),
    Definition("period_serious_max", Group.DISCLOSURES, _l("Serious tier: longest publication"), Kind.MONTHS,
               "36", D(12), D(36), "国家发展改革委令第58号"),
    *_grade(1, "5", "5000"), *_grade(2, "3", "3000"), *_grade(3, "1", "1000"),
    Definition("reward_cap", Group.REWARDS, _l("Most paid for one case"), Kind.YUAN, "1000000", D(0), D(1000000),
               REWARD_BASIS),
    Definition("reward_flat_sum", Group.REWARDS, _l("Flat sum instead of the grades' shares (0: none)"), Kind.YUAN,
               "0", D(0), D(1000000), "本地规定"),
    Definition("reward_first_reporter_only", Group.REWARDS,
               _l("Only the first reporter (首告) of linked duplicates is rewarded"), Kind.FLAG, "no", D(0), D(0),
               "本地规定"),
    _days("reward_claim", Group.REWARDS, _l("Claim a reward after the notice"), 30, 90, WORKING, REWARD_BASIS,
          low=30),
    Definition("prepaid_max_months", Group.INSTITUTIONS, _l("Prepaid fees: at most months in advance"), Kind.MONTHS,
               "3", D(1), D(3), PREPAID_BASIS),
    Definition("prepaid_max_class_hours", Group.INSTITUTIONS, _l("Prepaid fees: at most class hours in advance"),
               Kind.COUNT, "60", D(1), D(60), PREPAID_BASIS),
)
BY_NAME = {definition.name: definition for definition in DEFINITIONS}
