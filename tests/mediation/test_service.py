"""The mediation track's rules and clocks: the decision within 7 working days of receipt, mediation
ended within 45 working days of taking it (SAMR 暂行办法 arts. 16–22, counted on the holiday table);
sessions, the agreement and the failure with their written results; the parent's word on the money;
the report track opened as a second, linked case."""
import datetime as dt
from decimal import Decimal

import pytest

from portal.accounts.models import Role
from portal.casework.models import Category, Rating
from portal.enforcement import service as enforcement
from portal.enforcement.models import EnforcementState
from portal.extensions import db
from portal.mediation import clocks, queries, service
from portal.mediation.models import EndReason, MediationState, PaidHow, SessionForm
from portal.notices import service as notices
from portal.security import audit
from portal.workflow import ReasonRequired, StepNotAllowed
from tests.support.accounts import staff_user
from tests.support.complaints import MARKER_NAME, MARKER_PHONE, file, named_identity

MONDAY = dt.date(2026, 9, 28)  # National Day week follows: 1–7 October off, Saturday 10 October worked
LATER = dt.datetime(2026, 12, 30, 4, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def handler(ctx):
    return staff_user("med.handler", Role.HANDLER, "330106", display_name="吴调解")


def dispute(**overrides):
    values = dict(category=Category.FEES_REFUNDS, identity=named_identity(), mediation=True,
                  description="报名时预交了一年学费一万二千元，上了两个月课后机构拒绝退还剩余学费。")
    values.update(overrides)
    return file(received_on=MONDAY, **values).complaint


def taken(handler):
    complaint = dispute()
    record = service.decide(complaint, handler, True, MONDAY, now=LATER)
    return complaint, record


def test_the_decision_is_due_seven_working_days_after_receipt_across_national_day(handler):
    complaint = dispute()
    shown = queries.shown_clocks(complaint, None, MONDAY)
    assert [(c.name, c.due) for c in shown] == [("decision", dt.date(2026, 10, 13))]
    assert clocks.decision_rule("330106").basis.startswith("市场监督管理投诉举报处理暂行办法")
    assert not shown[0].late
    late = queries.shown_clocks(complaint, None, dt.date(2026, 10, 14))
    assert late[0].late


def test_taking_the_dispute_starts_the_45_working_day_clock(handler):
    complaint, record = taken(handler)
    assert record.state is MediationState.MEDIATING
    names = {c.name: c for c in clocks.clocks(complaint, record)}
    assert names["decision"].done_on == MONDAY
    # 45 working days from Monday 28 September: 1–7 October off, Saturday 10 October worked.
    assert names["conclusion"].due == dt.date(2026, 12, 4)
    assert not clocks.limit_passed(record, dt.date(2026, 12, 4))
    assert clocks.limit_passed(record, dt.date(2026, 12, 5))
    assert [r.action for r in audit.for_object("mediation_case", record.id)] == ["mediation.take"]


def test_a_complaint_that_did_not_ask_has_no_track(handler):
    complaint = file(received_on=MONDAY).complaint
    assert queries.for_reporter(complaint) is None
    with pytest.raises(service.NotADispute):
        service.decide(complaint, handler, True, MONDAY, now=LATER)


def test_declining_needs_the_reason_the_parent_reads(handler):
    complaint = dispute()
    with pytest.raises(ReasonRequired):
        service.decide(complaint, handler, False, MONDAY, now=LATER)
    record = service.decide(complaint, handler, False, MONDAY, "机构已经向法院起诉。", now=LATER)
    assert record.state is MediationState.DECLINED and record.decline_reason == "机构已经向法院起诉。"
    assert [c.name for c in clocks.clocks(complaint, record)] == ["decision"]


def test_a_day_before_receipt_or_in_the_future_is_refused(handler):
    complaint = dispute()
    with pytest.raises(service.DayOutOfRange):
        service.decide(complaint, handler, True, MONDAY - dt.timedelta(days=1), now=LATER)
    with pytest.raises(service.DayOutOfRange):
        service.decide(complaint, handler, True, dt.date(2027, 1, 5), now=LATER)


def test_another_county_cannot_act(ctx):
    neighbour = staff_user("med.neighbour", Role.HANDLER, "330105")
    with pytest.raises(StepNotAllowed):
        service.decide(dispute(), neighbour, True, MONDAY, now=LATER)


def test_an_agreement_issues_the_written_result_and_the_parent_confirms_and_rates(handler):
    complaint, record = taken(handler)
    service.record_session(record, handler, dt.date(2026, 10, 9), SessionForm.PHONE, "调解员、家长、机构负责人",
                           "要求退还剩余学费八千元。", "同意退还七千五百元。", now=LATER)
    service.agree(record, complaint, handler, dt.date(2026, 10, 12), Decimal("7500.00"), dt.date(2026, 10, 30),
                  PaidHow.BANK_TRANSFER, "双方无其他争议。", now=LATER)
    assert record.state is MediationState.AGREED
    issued = notices.for_case(complaint)
    assert [n.kind for n in issued] == ["mediation_agreed"]
    text = issued[0].text
    assert "调解结果告知书" in text and "7,500.00元" in text and "2026年10月30日" in text and "银行转账" in text
    assert MARKER_NAME not in text and MARKER_PHONE not in text
    assert not service.may_rate(record)
    service.confirm_payment(record, complaint, True, now=LATER)
    assert record.state is MediationState.KEPT and record.confirmed_on == LATER.date()
    service.rate(record, complaint, Rating.SATISFIED, now=LATER)
    with pytest.raises(service.NotRatable):
        service.rate(record, complaint, Rating.UNSATISFIED, now=LATER)
    actions = [r.action for r in audit.for_object("mediation_case", record.id)]
    assert actions == ["mediation.take", "mediation.session", "mediation.agree", "mediation.paid", "mediation.rated"]
    assert all("八千" not in (r.after or "") for r in audit.for_object("mediation_case", record.id))


def test_an_agreement_not_kept_reopens_the_dispute_and_counts(handler):
    complaint, record = taken(handler)
    service.agree(record, complaint, handler, dt.date(2026, 10, 12), Decimal("100"), dt.date(2026, 10, 20),
                  PaidHow.CASH, "", now=LATER)
    service.confirm_payment(record, complaint, False, now=LATER)
    assert record.state is MediationState.REOPENED and record.broken_count == 1
    with pytest.raises(service.NotConfirmable):
        service.confirm_payment(record, complaint, True, now=LATER)
    assert "session" in service.allowed_steps(record, complaint, handler)  # the office mediates again


def test_a_failure_names_the_other_routes(handler):
    complaint, record = taken(handler)
    service.end(record, complaint, handler, dt.date(2026, 10, 20), EndReason.INSTITUTION_REFUSED,
                "机构表示不同意退费。", now=LATER)
    assert record.state is MediationState.FAILED
    text = notices.for_case(complaint)[0].text
    assert "终止调解告知书" in text and "仲裁" in text and "人民法院提起诉讼" in text and "12315" in text
    assert "被投诉机构拒绝调解" in text
    assert service.may_rate(record)


def test_the_limit_passed_only_after_the_limit(handler):
    complaint, record = taken(handler)
    with pytest.raises(service.LimitNotPassed):
        service.end(record, complaint, handler, dt.date(2026, 12, 4), EndReason.LIMIT_PASSED, "未达成。", now=LATER)
    service.end(record, complaint, handler, dt.date(2026, 12, 7), EndReason.LIMIT_PASSED, "未达成。", now=LATER)
    assert "45个工作日内双方未能达成调解协议" in notices.for_case(complaint)[0].text


def test_a_revealed_violation_opens_a_linked_report_case(handler):
    complaint, record = taken(handler)
    second = service.open_report(record, complaint, handler, Category.PREPAYMENT_OUTSIDE_ESCROW,
                                 "学费打入负责人个人账户，未进入预收费监管账户。", now=LATER)
    db.session.flush()
    assert record.report_complaint_id == second.id and second.anonymous and not second.mediation_requested
    assert enforcement.for_complaint(second).state is EnforcementState.LEAD
    assert service.reported_from(second) is record
    assert queries.panel(second, handler)["source"] is record
    with pytest.raises(service.AlreadyReported):
        service.open_report(record, complaint, handler, Category.UNLICENSED, "再次打开举报。" * 5, now=LATER)
