"""Appointment rules, terms, submissions and the figures, through the services."""
import datetime as dt

import pytest
from sqlalchemy import select

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework.models import Attachment, Category, Complaint, Source
from portal.extensions import db
from portal.observations import duty
from portal.observations import service as observations
from portal.observations.models import Kind, ObservationState
from portal.security.audit import AuditRecord
from portal.supervisors import service
from portal.supervisors.models import AssessmentResult, SupervisorState
from tests.support.supervisors import appoint, patrol, patrol_data

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def admin(ctx):
    user, _ = accounts.create_user("hz.sv.admin", "杭州管理员", Role.ADMIN, "330100")
    return user


@pytest.fixture
def candidate(admin):
    return service.create_candidate(admin, "330106", "李监督", "某小学家委会", "医生", "13800001111")


def actions(object_type: str, object_id) -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == object_type, AuditRecord.object_id == str(object_id)).order_by(AuditRecord.id)))


def test_the_whole_appointment_is_audited_step_by_step(admin, candidate):
    today = clock.today()
    service.publish(admin, candidate, 7, today)
    assert (candidate.notice_start, candidate.notice_end) == (today, today + dt.timedelta(days=7))
    with pytest.raises(service.InvalidStep, match="received_on"):  # not before the notice
        service.record_objection(admin, candidate, today - dt.timedelta(days=1), "早于公示")
    service.record_objection(admin, candidate, today, "反映该候选人在培训机构兼职。")
    with pytest.raises(workflow.StepNotAllowed):  # not before the objection period is over
        service.decide(admin, candidate, True, "", today=today + dt.timedelta(days=7))
    with pytest.raises(service.InvalidStep, match="note"):  # objections were received: say why they fail
        service.decide(admin, candidate, True, "", today=today + dt.timedelta(days=8))
    service.decide(admin, candidate, True, "经核实，异议不成立。", today=today + dt.timedelta(days=8))
    one_time = service.appoint(admin, candidate, TODAY, dt.date(2029, 5, 31), "杭教监字〔2026〕第101号", "li.jiandu")
    account = db.session.get(User, candidate.user_id)
    assert one_time and account.role is Role.SUPERVISOR and account.region_code == "330106"
    assert candidate.state is SupervisorState.APPOINTED
    service.assess(admin, candidate, 2026, AssessmentResult.COMPETENT, "")
    service.dismiss(admin, candidate, "连续半年未履职。", today=TODAY + dt.timedelta(days=200))
    steps = actions("supervisor", candidate.id)
    assert steps[:3] == ["supervisor.candidate_created", "supervisor.publish", "supervisor.object"]
    assert steps[-4:] == ["supervisor.clear", "supervisor.appoint", "supervisor.assess", "supervisor.dismiss"]
    assert actions("user", account.id)[-1] == "user.disabled"


def test_notice_days_and_term_length_are_bounded(admin, candidate):
    with pytest.raises(service.InvalidStep, match="days"):
        service.publish(admin, candidate, 4, TODAY)
    service.publish(admin, candidate, 5, TODAY)
    service.decide(admin, candidate, True, "", today=TODAY + dt.timedelta(days=6))
    start = dt.date(2026, 7, 1)
    for end in (dt.date(2028, 6, 29), dt.date(2029, 7, 1)):  # a day short of 2 years; a day over 3
        with pytest.raises(service.InvalidStep, match="term_end"):
            service.appoint(admin, candidate, start, end, "杭教监字〔2026〕第102号", "term.test")
    service.appoint(admin, candidate, start, dt.date(2028, 6, 30), "杭教监字〔2026〕第102号", "term.test")
    assert candidate.term_end == dt.date(2028, 6, 30)


def test_not_appointing_needs_reasons_and_is_final(admin, candidate):
    service.publish(admin, candidate, 7, TODAY)
    after = TODAY + dt.timedelta(days=8)
    with pytest.raises(service.InvalidStep, match="note"):
        service.decide(admin, candidate, False, " ", today=after)
    service.decide(admin, candidate, False, "候选人在校外培训机构任职，存在利益冲突。", today=after)
    assert candidate.state is SupervisorState.REJECTED
    with pytest.raises(workflow.StepNotAllowed):
        service.appoint(admin, candidate, TODAY, dt.date(2029, 5, 31), "杭教监字〔2026〕第103号", "rejected.one")


def test_only_administrators_of_the_jurisdiction_appoint(ctx, admin, candidate):
    handler, _ = accounts.create_user("sv.handler", "执法", Role.HANDLER, "330106", "证1")
    outsider, _ = accounts.create_user("xn.sv.admin", "西宁管理员", Role.ADMIN, "630000")
    for user in (handler, outsider):
        with pytest.raises(workflow.StepNotAllowed):
            service.publish(user, candidate, 7, TODAY)
    with pytest.raises(service.InvalidStep):
        service.create_candidate(outsider, "330106", "张三", "单位", "职业", "电话")
    with pytest.raises(service.InvalidStep):  # a supervisor serves a county, not a whole city
        service.create_candidate(admin, "330100", "张三", "单位", "职业", "电话")


def test_certificate_numbers_are_unique(admin, candidate):
    other = service.create_candidate(admin, "330106", "王二", "单位", "职业", "电话")
    for person in (candidate, other):
        service.publish(admin, person, 5, TODAY)
        service.decide(admin, person, True, "", today=TODAY + dt.timedelta(days=6))
    service.appoint(admin, candidate, TODAY, dt.date(2028, 5, 31), "杭教监字〔2026〕第104号", "first.one")
    with pytest.raises(service.InvalidStep, match="certificate_number"):
        service.appoint(admin, other, TODAY, dt.date(2028, 5, 31), "杭教监字〔2026〕第104号", "second.one")


def test_an_account_works_only_inside_the_term(ctx):
    user, _ = accounts.create_user("term.sv", "任期", Role.SUPERVISOR, "330106")
    assert not service.may_sign_in(user)  # not appointed at all
    supervisor = appoint(user, dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert service.may_sign_in(user, dt.date(2026, 1, 1)) and service.may_sign_in(user, dt.date(2027, 12, 31))
    assert not service.may_sign_in(user, dt.date(2025, 12, 31))
    assert not service.may_sign_in(user, dt.date(2028, 1, 1))
    supervisor.state = SupervisorState.DISMISSED
    assert not service.may_sign_in(user, dt.date(2026, 6, 1))
    staff, _ = accounts.create_user("term.staff", "执法", Role.HANDLER, "330106", "证2")
    assert service.may_sign_in(staff)


def test_a_lead_becomes_a_case_with_the_supervisor_as_source(ctx):
    user, _ = accounts.create_user("lead.sv", "线索", Role.SUPERVISOR, "330106")
    supervisor = appoint(user)
    data = patrol_data(category=Category.PREPAYMENT_OUTSIDE_ESCROW, checks={}, needs_case=False)
    lead = observations.save(supervisor, user, Kind.LEAD, data, [], submit=True)
    complaint = db.session.get(Complaint, lead.complaint_id)
    assert complaint.source is Source.SUPERVISOR and complaint.category is Category.PREPAYMENT_OUTSIDE_ESCROW
    assert complaint.region_code == "330106" and complaint.acceptance_due > complaint.received_on
    assert lead.state is ObservationState.SUBMITTED
    with pytest.raises(observations.NotAllowed):  # sent is sent
        observations.save(supervisor, user, Kind.LEAD, data, [], lead)


def test_staff_reply_once_and_open_a_case_once(ctx):
    user, _ = accounts.create_user("reply.sv", "巡查", Role.SUPERVISOR, "330106")
    record = patrol(appoint(user))
    handler, _ = accounts.create_user("reply.handler", "执法", Role.HANDLER, "330106", "证3")
    observations.reply(handler, record, "已安排执法人员核查。")
    with pytest.raises(observations.NotAllowed):
        observations.reply(handler, record, "再答一次")
    complaint = observations.open_case(handler, record, Category.PREPAYMENT_OUTSIDE_ESCROW, record.body)
    assert complaint.source is Source.SUPERVISOR and record.complaint_id == complaint.id
    evidence = db.session.scalars(select(Attachment).where(Attachment.complaint_id == complaint.id)).all()
    assert len(evidence) == 1 and evidence[0].media_type == "image/jpeg"  # the photo went in as evidence
    with pytest.raises(observations.NotAllowed):
        observations.open_case(handler, record, Category.OTHER, record.body)
    assert actions("observation", record.id)[-2:] == ["observation.replied", "observation.case_opened"]


def test_staff_outside_the_county_do_not_find_a_record(ctx):
    user, _ = accounts.create_user("scope.sv", "巡查", Role.SUPERVISOR, "330106")
    record = patrol(appoint(user))
    outsider, _ = accounts.create_user("scope.out", "外地", Role.HANDLER, "330102", "证4")
    with pytest.raises(observations.ObservationNotFound):
        observations.for_staff(outsider, record.id)
    other, _ = accounts.create_user("scope.other", "另一位", Role.SUPERVISOR, "330106")
    with pytest.raises(observations.ObservationNotFound):
        observations.for_supervisor(appoint(other), record.id)


def test_drafts_are_nobody_elses_business_and_not_counted(ctx):
    user, _ = accounts.create_user("draft.sv", "草稿", Role.SUPERVISOR, "330106")
    supervisor = appoint(user)
    month = clock.today().strftime("%Y-%m")
    counted = duty.submissions_by_month([month], "330106").get(("330106", month), 0)
    draft = patrol(supervisor, submit=False)
    handler, _ = accounts.create_user("draft.handler", "执法", Role.HANDLER, "330106", "证5")
    with pytest.raises(observations.ObservationNotFound):
        observations.for_staff(handler, draft.id)
    assert duty.submissions_by_month([month], "330106").get(("330106", month), 0) == counted
    assert duty.duty_record(supervisor, clock.today().year).total == 0


def test_figures_for_the_statistics_page(ctx):
    before = service.active_count("3301", clock.today())
    month = clock.today().strftime("%Y-%m")
    counted_before = duty.submissions_by_month([month], "330106").get(("330106", month), 0)
    user, _ = accounts.create_user("stats.sv", "统计", Role.SUPERVISOR, "330106")
    supervisor = appoint(user)
    patrol(supervisor, with_photo=False)
    patrol(supervisor, with_photo=False, submit=False)
    assert service.active_count("3301", clock.today()) == before + 1
    assert service.active_count("63", clock.today()) == 0
    assert service.active_count("3301", supervisor.term_end + dt.timedelta(days=1)) < before + 1
    assert duty.submissions_by_month([month], "330106")[("330106", month)] == counted_before + 1
    assert duty.submissions_by_month([month], "63") == {}


def test_duty_record_counts_by_kind_and_month(ctx):
    user, _ = accounts.create_user("duty.sv", "履职", Role.SUPERVISOR, "330106")
    supervisor = appoint(user)
    handler, _ = accounts.create_user("duty.handler", "执法", Role.HANDLER, "330106", "证6")
    first = patrol(supervisor, with_photo=False)
    patrol(supervisor, with_photo=False)
    opinion = observations.save(supervisor, user, Kind.OPINION, patrol_data(checks={}, needs_case=False), [],
                                submit=True)
    observations.reply(handler, opinion, "感谢建议。")
    observations.open_case(handler, first, Category.OTHER, first.body)
    local = first.submitted_at.astimezone(clock.zone())
    record = duty.duty_record(supervisor, local.year)
    assert record.count(Kind.PATROL, local.month) == 2 and record.count(Kind.OPINION, local.month) == 1
    assert record.total == 3 and record.cases_opened == 1 and record.replies_received == 1
    assert duty.duty_record(supervisor, local.year - 1).total == 0
