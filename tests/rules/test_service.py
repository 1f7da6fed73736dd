"""Rules kept as data: each rule is read from the store, a province's value changes only its new
records, bounds are refused, and the history keeps who changed what, when and why."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.casework import service as casework
from portal.casework.models import Source
from portal.deadline_extensions import service as extensions
from portal.extensions import db
from portal.institutions import profile
from portal.publication import periods
from portal.publication.models import Tier
from portal.reply_delivery import service as reply_delivery
from portal.rewards import service as rewards
from portal.rewards.models import RewardGrade
from portal.rules import service as rules
from portal.rules.definitions import DEFINITIONS
from portal.rules.models import RuleChange
from portal.security.audit import AuditRecord
from tests.support.accounts import staff_user
from tests.support.complaints import file
from tests.support.days import local_today

UTC = dt.timezone.utc
ZHEJIANG, JIANGSU = "330106", "320102"  # a county in each province
RECEIVED = dt.date(2026, 11, 2)  # a Monday


@pytest.fixture
def admins(ctx):
    return {"zj": staff_user("r.zj", Role.ADMIN, "330000"), "js": staff_user("r.js", Role.ADMIN, "320000"),
            "cn": staff_user("r.cn", Role.ADMIN, "000000"), "city": staff_user("r.city", Role.ADMIN, "330100")}


def zhejiang(admins, name: str, value: str | None, reason: str = "浙江省规定（测试）") -> RuleChange:
    return rules.change(admins["zj"], name, "33", value, reason)


def test_every_rule_has_a_national_row_after_the_seed_and_reads_its_default(ctx):
    rules.seed()
    national = {row.name for row in db.session.scalars(select(RuleChange).where(RuleChange.scope == ""))}
    assert national >= {rule.name for rule in DEFINITIONS}
    assert rules.seed() == []  # nothing written twice
    for rule in DEFINITIONS:
        assert rules.resolve(rule.name, ZHEJIANG).text == rule.default


def test_a_provinces_acceptance_limit_changes_its_new_cases_only(admins):
    before = file(received_on=RECEIVED).complaint
    zhejiang(admins, "acceptance", "7")
    after = file(received_on=RECEIVED).complaint
    elsewhere = file(received_on=RECEIVED, region_code=JIANGSU).complaint
    assert after.acceptance_due == dt.date(2026, 11, 9)  # 7 days
    assert before.acceptance_due == elsewhere.acceptance_due == dt.date(2026, 11, 17)  # 15 days


def test_the_conclusion_limit_is_the_one_in_force_when_the_case_was_accepted(admins):
    handler = staff_user("r.handler", Role.HANDLER, ZHEJIANG, "浙执R1")
    js_handler = staff_user("r.js.handler", Role.HANDLER, JIANGSU, "苏执R1")
    complaint, other = file(received_on=RECEIVED).complaint, file(received_on=RECEIVED, region_code=JIANGSU).complaint
    zhejiang(admins, "conclusion", "45")
    now = dt.datetime.now(UTC)
    casework.apply(complaint, "accept", handler, now=now)
    casework.apply(other, "accept", js_handler, now=now)
    today = casework.clock.local_date(now)
    assert (complaint.conclusion_due - today).days in range(45, 49)  # 45 days, moved off a day off
    assert (other.conclusion_due - today).days in range(60, 64)


def test_the_longest_extension_is_the_provinces(admins):
    handler = staff_user("r.ext", Role.HANDLER, ZHEJIANG, "浙执R2")
    complaint = file(received_on=local_today()).complaint
    casework.apply(complaint, "accept", handler)
    assert extensions.max_days(complaint) == 30
    zhejiang(admins, "extension_max", "20")
    assert extensions.max_days(complaint) == 20
    with pytest.raises(extensions.TooManyDays):
        extensions.request(complaint, handler, 25, "案情复杂")


def test_the_misrouted_objection_period_follows_the_rule_at_registration(admins):
    before = file(received_on=RECEIVED, source=Source.HOTLINE_12345).complaint
    zhejiang(admins, "misrouted_objection", "3")
    after = file(received_on=RECEIVED, source=Source.HOTLINE_12345).complaint
    assert casework.objection_due(after).day == dt.date(2026, 11, 5)  # 3 working days
    assert casework.objection_due(before).day == dt.date(2026, 11, 9)  # 5 working days, as registered


@pytest.mark.parametrize("name", ["review_request", "re_review_request", "reward_claim"])
def test_a_reporters_period_cannot_be_shortened_below_the_statute(admins, name):
    with pytest.raises(rules.ValueOutOfBounds):
        zhejiang(admins, name, "29")
    assert zhejiang(admins, name, "60").value == "60"


@pytest.mark.parametrize("name, too_long", [("acceptance", "16"), ("misrouted_objection", "6"), ("conclusion", "61"),
                                            ("extension_max", "31"), ("review_decision", "31"),
                                            ("re_review_decision", "31"), ("notify_named_reporter", "6"),
                                            ("publication", "21"), ("withdrawal", "4"),
                                            ("prepaid_max_months", "4"), ("prepaid_max_class_hours", "61"),
                                            ("period_general_min", "2"), ("period_serious_max", "37"),
                                            ("reward_grade1_rate", "100.01"), ("reward_cap", "1000000.01")])
def test_no_limit_goes_beyond_what_the_law_allows(admins, name, too_long):
    with pytest.raises(rules.ValueOutOfBounds):
        zhejiang(admins, name, too_long)
    assert db.session.scalar(select(RuleChange).where(RuleChange.scope == "33", RuleChange.name == name)) is None


@pytest.mark.parametrize("text", ["", "abc", "7.5", "NaN", "1e3", "-1"])
def test_values_that_are_not_numbers_of_the_rules_kind_are_refused(admins, text):
    with pytest.raises(rules.ValueOutOfBounds):
        zhejiang(admins, "acceptance", text)


def test_the_review_periods_read_from_the_store(admins):
    handler = staff_user("r.rv", Role.HANDLER, ZHEJIANG, "浙执R3")
    complaint = file(received_on=local_today()).complaint
    casework.apply(complaint, "accept", handler)
    zhejiang(admins, "review_request", "60")
    zhejiang(admins, "review_decision", "20")
    casework.apply(complaint, "conclude", handler, "答复意见")
    replied = casework.clock.local_date(complaint.replied_at)
    reply_delivery.opened(complaint)  # the period runs from the reply's receipt (送达)
    assert casework.review_request_due(complaint).day >= replied + dt.timedelta(days=60)
    now = dt.datetime.now(UTC)
    casework.open_review(complaint, now)
    assert complaint.review_decision_due - casework.clock.local_date(now) < dt.timedelta(days=24)


def test_the_publication_periods_tiers_are_the_provinces(admins):
    zhejiang(admins, "period_general_max", "6")
    assert periods.month_range([periods.PenaltyCategory.FINE], Tier.GENERAL, ZHEJIANG) == (3, 6)
    assert periods.month_range([periods.PenaltyCategory.FINE], Tier.GENERAL, JIANGSU) == (3, 12)


def test_the_prepaid_advice_is_the_provinces(admins):
    zhejiang(admins, "prepaid_max_class_hours", "40")
    assert rules.value("prepaid_max_class_hours", ZHEJIANG) == 40
    assert rules.value("prepaid_max_class_hours", JIANGSU) == 60
    assert profile.prepaid_months(ZHEJIANG) == 3


def test_reward_scales_are_the_provinces_including_a_flat_sum(admins):
    zhejiang(admins, "reward_grade1_rate", "8")
    zhejiang(admins, "reward_cap", "500000")
    assert rewards.compute(RewardGrade.FIRST, Decimal("1000000"), rewards.scales(ZHEJIANG)) == Decimal("80000.00")
    assert rewards.compute(RewardGrade.FIRST, Decimal("1000000"), rewards.scales(JIANGSU)) == Decimal("50000.00")
    assert rewards.compute(RewardGrade.FIRST, Decimal("9000000"), rewards.scales(ZHEJIANG)) == Decimal("500000.00")
    zhejiang(admins, "reward_flat_sum", "2000")
    assert rewards.compute(RewardGrade.THIRD, Decimal("1000000"), rewards.scales(ZHEJIANG)) == Decimal("2000.00")


def test_only_the_first_reporter_is_rewarded_where_the_province_says_so(admins):
    reviewer = staff_user("r.reviewer", Role.REVIEWER, ZHEJIANG, "浙审R1")
    handler = staff_user("r.h4", Role.HANDLER, ZHEJIANG, "浙执R4")
    first, duplicate = file(received_on=RECEIVED).complaint, file(received_on=RECEIVED).complaint
    casework.apply(duplicate, "link", handler, duplicate_of=first)
    for case in (first, duplicate):
        case.status = casework.S.CONCLUDED
    zhejiang(admins, "reward_first_reporter_only", "yes")
    with pytest.raises(rewards.NotFirstReporter):
        rewards.decide(duplicate, reviewer, RewardGrade.FIRST, Decimal("20000"))
    assert rewards.decide(first, reviewer, RewardGrade.FIRST, Decimal("20000")).amount == Decimal("5000.00")
    assert rewards.decide(duplicate, reviewer, RewardGrade.NONE, reason="非首告").amount is None


def test_a_province_administrator_changes_only_their_province(admins):
    with pytest.raises(rules.RulesNotYours):
        rules.change(admins["zj"], "acceptance", "", "7", "全国")
    with pytest.raises(rules.RulesNotYours):
        rules.change(admins["zj"], "acceptance", "32", "7", "江苏")
    with pytest.raises(rules.RulesNotYours):
        rules.change(admins["city"], "acceptance", "33", "7", "杭州")
    rules.change(admins["cn"], "acceptance", "", "10", "全国规定（测试）")
    assert rules.limit("acceptance", JIANGSU).days == 10


def test_history_keeps_who_when_old_new_and_why_and_each_change_is_audited(admins):
    first = zhejiang(admins, "withdrawal", "2", "第一次")
    zhejiang(admins, "withdrawal", None, "恢复全国规定")
    entries = rules.history("withdrawal", "33")
    assert [(e.old, e.new, e.change.reason) for e in entries] == [("2", None, "恢复全国规定"), (None, "2", "第一次")]
    assert entries[-1].change.actor == f"user:{admins['zj'].id}"
    assert rules.limit("withdrawal", ZHEJIANG).days == 3  # back to the national value
    assert rules.limit("withdrawal", ZHEJIANG, first.effective_from).days == 2  # as it was then
    audited = list(db.session.scalars(select(AuditRecord).where(AuditRecord.action == "rules.changed",
                                                               AuditRecord.object_id == "33:withdrawal")))
    assert [record.reason for record in audited] == ["第一次", "恢复全国规定"]
    with pytest.raises(rules.NothingToReset):
        zhejiang(admins, "withdrawal", None, "again")
    with pytest.raises(rules.ReasonRequired):
        zhejiang(admins, "withdrawal", "1", "  ")
