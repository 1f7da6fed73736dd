"""The enforcement track's rules and clocks: 立案 or 不予立案 by a certified officer on a stated day,
numbered per office and year by the configured pattern; a named reporter told within 5 working days
(SAMR 暂行办法 art. 31, counted on the holiday table); an opened case decided within 90 days
(行政处罚法 art. 60); the published penalty decision linked, and unlinked for the reporter once withdrawn."""
import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.config import ConfigurationError, check_number_pattern
from portal.disclosures import service as disclosures
from portal.enforcement import clocks, numbering, queries, service
from portal.enforcement.models import EnforcementState, ToldHow
from portal.extensions import db
from portal.institutions.models import Institution
from portal.security import audit
from portal.workflow import CertificateRequired, ReasonRequired, StepNotAllowed
from tests.support.accounts import staff_user
from tests.support.complaints import file, named_identity
from tests.support.disclosures import draft_disclosure

MONDAY = dt.date(2026, 9, 28)  # National Day week follows: 1–7 October off, Saturday 10 October worked
SERIALS = itertools.count(1)
NOON_TUESDAY = dt.datetime(2026, 9, 29, 4, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def handler(ctx):
    return staff_user("enf.handler", Role.HANDLER, "330106", "浙杭执字0901", display_name="周执法",
                      email="enf.handler@example.org")


def lead(handler, named=True, **overrides):
    complaint = file(received_on=dt.date(2026, 9, 20), identity=named_identity() if named else None,
                     **overrides).complaint
    return complaint, service.record_lead(complaint, handler, now=NOON_TUESDAY)


def opened(handler, named=True, **overrides):
    complaint, record = lead(handler, named, **overrides)
    service.decide(record, complaint, handler, True, MONDAY, now=NOON_TUESDAY)
    return complaint, record


def test_an_opened_case_is_numbered_by_the_office_sequence_for_the_year(handler):
    _c, first = opened(handler)
    _c, second = opened(handler)
    assert first.state is EnforcementState.OPENED and first.decided_on == MONDAY
    assert [first.number, second.number] == ["西湖教立〔2026〕1号", "西湖教立〔2026〕2号"]
    assert first.decided_by_label == "周执法（浙杭执字0901）"
    actions = [r.action for r in audit.for_object("enforcement_case", first.id)]
    assert actions == ["enforcement.record", "enforcement.open"]
    assert numbering.next_sequence("330106", 2027) == 1  # a new year starts again
    assert numbering.next_sequence("330105", 2026) == 1  # each office has its own sequence


def test_the_pattern_is_configurable_and_checked(ctx, handler, monkeypatch):
    monkeypatch.setitem(ctx.config, "ENFORCEMENT_NUMBER_PATTERN", "{region_code}-立-{year}-{seq:04d}")
    _c, record = opened(handler)
    assert record.number == "330106-立-2026-0001"
    for wrong in ("{year}教立", "{office}{seq}", "{seq:q}", "{seq"):
        with pytest.raises(ConfigurationError):
            check_number_pattern(wrong)
    assert numbering.short_name("西湖区") == "西湖" and numbering.short_name("东区") == "东区"


def test_the_named_reporter_is_told_within_five_working_days_on_the_holiday_table(handler):
    _c, record = opened(handler)
    notice, decision = clocks.clocks(record)
    assert (notice.name, notice.due, notice.provisional) == ("notice", dt.date(2026, 10, 10), False)
    assert (decision.name, decision.due) == ("decision", dt.date(2026, 12, 28))  # 27 Dec is a Sunday
    assert notice.late(dt.date(2026, 10, 12)) and not notice.late(dt.date(2026, 10, 10))
    service.record_told(record, handler, dt.date(2026, 10, 12), ToldHow.PHONE, now=NOON_TUESDAY
                        + dt.timedelta(days=14))
    notice = clocks.clocks(record)[0]
    assert notice.done_on == dt.date(2026, 10, 12) and notice.late(dt.date(2026, 10, 12))  # told late
    with pytest.raises(service.NothingToTell):  # once
        service.record_told(record, handler, dt.date(2026, 10, 13), ToldHow.LETTER)


def test_the_limits_are_the_provinces_rules_in_force_on_the_decision(ctx, handler):
    from portal.accounts.models import Role
    from portal.rules import service as rules
    from tests.support.accounts import staff_user

    zhejiang = staff_user("enforcement.rules.admin", Role.ADMIN, "330000")
    earlier = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    rules.change(zhejiang, "notify_named_reporter", "33", "3", "省级规定", now=earlier)
    rules.change(zhejiang, "enforcement_decision", "33", "60", "省级规定", now=earlier)
    _c, record = opened(handler)
    notice, decision = clocks.clocks(record)
    assert notice.due == dt.date(2026, 10, 8) and decision.due == dt.date(2026, 11, 27)
    assert clocks.notice_rule().basis.endswith("第三十一条") and clocks.decision_rule().basis == "行政处罚法 第六十条"
    assert clocks.decision_rule("630102").days == 90  # another province keeps the national value


def test_an_anonymous_reporter_has_no_notice_clock(handler):
    _c, record = opened(handler, named=False)
    assert [c.name for c in clocks.clocks(record)] == ["decision"]
    assert "tell" not in service.allowed_steps(record, handler)
    with pytest.raises(service.NothingToTell):
        service.record_told(record, handler, MONDAY, ToldHow.PHONE, now=NOON_TUESDAY)


def test_no_case_opened_needs_the_reason_and_a_day_within_reach(handler):
    complaint, record = lead(handler)
    with pytest.raises(ReasonRequired):
        service.decide(record, complaint, handler, False, MONDAY, now=NOON_TUESDAY)
    for day in (dt.date(2026, 9, 19), dt.date(2026, 9, 30)):  # before the report; after today
        with pytest.raises(service.DayOutOfRange):
            service.decide(record, complaint, handler, True, day, now=NOON_TUESDAY)
    assert record.state is EnforcementState.LEAD and record.number is None
    service.decide(record, complaint, handler, False, MONDAY, "举报内容经核查不属实", now=NOON_TUESDAY)
    assert record.state is EnforcementState.NOT_OPENED and record.number is None
    assert [c.name for c in clocks.clocks(record)] == ["notice"]  # told either way; no decision clock


def test_only_a_certified_officer_of_the_office_decides(ctx, handler):
    complaint, record = lead(handler)
    admin = staff_user("enf.admin", Role.ADMIN, "330106")
    reviewer = staff_user("enf.reviewer", Role.REVIEWER, "330106")
    neighbour = staff_user("enf.neighbour", Role.HANDLER, "330105")
    for user in (admin, reviewer, neighbour):
        with pytest.raises(StepNotAllowed):
            service.decide(record, complaint, user, True, MONDAY, now=NOON_TUESDAY)
    assert issubclass(CertificateRequired, StepNotAllowed)
    assert not service.may_record(complaint, handler)  # on the track already
    with pytest.raises(service.LeadNotOpen):
        service.record_lead(complaint, handler)
    assert record.state is EnforcementState.LEAD


def _published(handler, **overrides):
    reviewer = staff_user(f"enf.rev{next(SERIALS)}", Role.REVIEWER, "330100")
    found = draft_disclosure(handler, **overrides)
    disclosures.submit(found, handler)
    disclosures.review(found, reviewer, True)
    return found


def test_the_published_decision_about_the_reported_institution_is_linked(ctx, handler):
    ours, other = db.session.scalars(select(Institution).where(Institution.region_code == "330106")
                                     .order_by(Institution.id).limit(2)).all()
    complaint, record = opened(handler, institution_id=ours.id, institution_name="")
    about_other = _published(handler, decision_number="杭西教罚〔2026〕911号", institution_id=other.id)
    about_ours = _published(handler, decision_number="杭西教罚〔2026〕912号", institution_id=ours.id)
    candidates = [d.id for d in service.linkable(record, complaint, handler)]
    assert about_ours.id in candidates and about_other.id not in candidates
    with pytest.raises(service.NotLinkable):
        service.link(record, complaint, handler, about_other.id)
    service.link(record, complaint, handler, about_ours.id)
    assert record.state is EnforcementState.PENALTY and record.penalty_on == about_ours.decision_date
    assert clocks.clocks(record)[1].done_on == about_ours.decision_date
    shown = queries.for_reporter(complaint)
    assert (shown.state, shown.decision_id, shown.decision_number) == (
        EnforcementState.PENALTY, about_ours.id, "杭西教罚〔2026〕912号")
    disclosures.withdraw(about_ours, handler, "复议撤销", revoked_on=about_ours.decision_date)
    shown = queries.for_reporter(complaint)
    assert shown.decision_id is None and shown.state is EnforcementState.OPENED  # the link goes away


def test_a_decision_of_another_jurisdiction_or_before_the_case_is_not_linkable(ctx, handler):
    complaint, record = opened(handler)
    elsewhere = _published(handler, decision_number="杭西教罚〔2026〕913号")
    elsewhere.region_code = "330105"
    earlier = _published(handler, decision_number="杭西教罚〔2026〕914号", decision_date=dt.date(2026, 9, 1))
    candidates = {d.id for d in service.linkable(record, complaint, handler)}
    assert elsewhere.id not in candidates and earlier.id not in candidates


def test_closing_without_a_penalty_stops_the_clock_with_the_reason(handler):
    complaint, record = opened(handler)
    with pytest.raises(ReasonRequired):
        service.close(record, complaint, handler, "")
    service.close(record, complaint, handler, "违法事实不成立，不予行政处罚", now=NOON_TUESDAY)
    assert record.state is EnforcementState.CLOSED and clocks.clocks(record)[1].done_on == dt.date(2026, 9, 29)
    assert queries.for_reporter(complaint).close_reason == "违法事实不成立，不予行政处罚"
