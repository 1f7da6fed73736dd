"""The casework state machine: every allowed step, and everything else refused."""
import datetime as dt

import pytest

from portal import workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.casework import service as casework
from portal.casework.exceptions import ReasonRequired, StepNotAllowed
from portal.casework.models import ComplaintEvent, EventKind, Rating, ReviewStage, ReviewState, Source, Status
from portal.casework.service import TRANSITIONS
from portal.casework.timeline import public_timeline as timeline_of
from portal.casework.timeline import written_reply
from portal.extensions import db
from portal.intake import tracking
from portal.reply_delivery import service as reply_delivery
from portal.security import audit
from tests.support.complaints import file

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Beijing


@pytest.fixture
def handler(ctx):
    user, _ = accounts.create_user("case.handler", "李承办", Role.HANDLER, "330106", "浙杭执字0042")
    return user


@pytest.fixture
def custodian(ctx):
    user, _ = accounts.create_user("case.custodian", "赵保管", Role.CUSTODIAN, "330100")
    return user


def complaint_in(status: Status):
    complaint = file().complaint
    complaint.status = status
    return complaint


@pytest.fixture
def city_handler(ctx):
    user, _ = accounts.create_user("city.handler", "市局执法", Role.HANDLER, "330100", "浙杭执字0001")
    return user


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_each_step_only_from_its_states(handler, city_handler, name):
    step = TRANSITIONS[name]
    actor = city_handler if step.superior else handler
    earlier = file().complaint
    for status in Status:
        complaint = complaint_in(status)
        complaint.conclusion_due = dt.date(2027, 1, 20)
        complaint.source = Source.HOTLINE_12345  # transferred in the day before: it may be returned
        call = lambda: casework.apply(complaint, name, actor, "依据材料作出处理。",
                                      destination="区市场监督管理局", assignee=handler, duplicate_of=earlier,
                                      now=NOW)
        if status in step.from_states:
            event = call()
            assert event.kind is step.event and complaint.status is (step.to_state or status)
        else:
            with pytest.raises(StepNotAllowed):
                call()


def test_unknown_steps_are_refused(handler):
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint_in(Status.REGISTERED), "close_quietly", handler, now=NOW)


def test_formal_decisions_need_certified_staff_and_name_them(handler, custodian):
    complaint = complaint_in(Status.REGISTERED)
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "accept", custodian, now=NOW)
    assert "accept" not in casework.allowed_steps(complaint, custodian)
    event = casework.apply(complaint, "accept", handler, now=NOW)
    assert event.actor_label == "李承办（浙杭执字0042）" and event.public
    assert [e.action for e in audit.for_object("complaint", complaint.id)][-1] == "complaint.accept"


def test_acceptance_starts_the_60_day_clock_and_no_handler_extends_it_alone(handler):
    """An extension needs the head of the office (art. 34): it is no casework step a handler takes."""
    complaint = complaint_in(Status.REGISTERED)
    casework.apply(complaint, "accept", handler, now=NOW)
    assert complaint.conclusion_due == dt.date(2027, 1, 22) and complaint.due_provisional  # 2027 not entered
    assert "extend" not in casework.TRANSITIONS and "extend" not in casework.allowed_steps(complaint, handler)
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "extend", handler, "需要现场核查", now=NOW)
    assert complaint.conclusion_due == dt.date(2027, 1, 22) and not complaint.extended


def test_reasons_replies_and_destinations_are_required(handler):
    with pytest.raises(ReasonRequired):
        casework.apply(complaint_in(Status.REGISTERED), "not_accept", handler, "  ", now=NOW)
    with pytest.raises(ReasonRequired):
        casework.apply(complaint_in(Status.REGISTERED), "transfer", handler, "不属于教育部门职责", now=NOW)
    with pytest.raises(ReasonRequired):
        casework.apply(complaint_in(Status.ACCEPTED), "conclude", handler, "", now=NOW)


def test_the_reporter_sees_decisions_with_who_decided_but_not_internal_notes(handler):
    complaint = complaint_in(Status.REGISTERED)
    casework.apply(complaint, "accept", handler, now=NOW)
    casework.apply(complaint, "note", handler, "举报人可能是竞争对手", now=NOW)
    casework.apply(complaint, "conclude", handler, "经查属实，已责令停止招生并退费。", now=NOW)
    timeline = timeline_of(complaint)
    kinds = [event.kind for event in timeline]
    assert EventKind.NOTE not in kinds and EventKind.SUPERVISION not in kinds
    assert kinds[-2:] == [EventKind.ACCEPTED, EventKind.CONCLUDED]
    assert written_reply(complaint).actor_label == "李承办（浙杭执字0042）"
    assert complaint.replied_at == NOW and complaint.status is Status.CONCLUDED


def test_transfer_records_where_the_case_went(handler):
    complaint = complaint_in(Status.REGISTERED)
    casework.apply(complaint, "transfer", handler, "涉嫌无照经营，属市场监管职责", destination="西湖区市场监督管理局",
                   now=NOW)
    assert complaint.transferred_to == "西湖区市场监督管理局" and complaint.status is Status.TRANSFERRED


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CUSTODIAN, Role.ADMIN, Role.REVIEWER])
def test_only_handlers_work_cases(ctx, role):
    user, _ = accounts.create_user(f"x.{role.value}", "x", role, "330106", "证号1")
    complaint = complaint_in(Status.ACCEPTED)
    for name in ("message", "archive", "start", "note"):
        with pytest.raises(StepNotAllowed):
            casework.apply(complaint, name, user, "文字", now=NOW)


def test_a_handler_of_another_jurisdiction_cannot_act(ctx):
    outsider, _ = accounts.create_user("xn.handler", "西宁执法", Role.HANDLER, "630103", "青宁执字1")
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint_in(Status.REGISTERED), "accept", outsider, now=NOW)


def test_supervision_orders_come_from_a_wider_jurisdiction(handler, city_handler):
    complaint = complaint_in(Status.ACCEPTED)
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "supervise", handler, "请加快办理", now=NOW)
    event = casework.apply(complaint, "supervise", city_handler, "请加快办理", now=NOW)
    assert not event.public


def concluded(handler, now=NOW, received=True):
    complaint = complaint_in(Status.REGISTERED)
    casework.apply(complaint, "accept", handler, now=now)
    casework.apply(complaint, "conclude", handler, "经查属实，已责令停止招生并退费。", now=now)
    if received:  # the reporter reads the reply on the tracking page the same day
        reply_delivery.opened(complaint, now)
    return complaint


def test_the_review_period_runs_from_the_day_the_reply_reaches_the_reporter(handler):
    """Art. 35: 30 days from receiving the written reply, not from the day it was written; until it
    is received nothing runs and the case is not archived, however long it waits."""
    complaint = concluded(handler, received=False)
    assert tracking.review_due(complaint) is None and casework.reply_awaited(complaint)
    months_later = NOW + dt.timedelta(days=90)
    assert "archive" not in casework.allowed_steps(complaint, handler, today=months_later.date())
    with pytest.raises(casework.ReplyNotReceived):
        casework.apply(complaint, "archive", handler, now=months_later)
    reply_delivery.opened(complaint, NOW + dt.timedelta(days=5))  # read on 11-28
    assert tracking.review_due(complaint).day == dt.date(2026, 12, 28)
    assert not casework.reply_awaited(complaint)


def test_a_concluded_case_is_not_archived_while_the_reporter_may_still_rate_it_or_ask_for_review(handler):
    complaint = concluded(handler)
    due = tracking.review_due(complaint).day  # 30 days from the reply's receipt, the same day
    assert due == dt.date(2026, 12, 23)
    assert "archive" not in casework.allowed_steps(complaint, handler, today=NOW.date())
    with pytest.raises(casework.ArchiveTooEarly) as refused:
        casework.apply(complaint, "archive", handler, now=NOW)
    assert refused.value.until == due and complaint.status is Status.CONCLUDED
    tracking.rate(complaint, Rating.UNSATISFIED, "")  # unsatisfied: the review stays open to them
    last_day = dt.datetime.combine(due, dt.time(15), tzinfo=dt.timezone.utc)  # 23:00 in Beijing
    with pytest.raises(casework.ArchiveTooEarly):
        casework.apply(complaint, "archive", handler, now=last_day)
    casework.apply(complaint, "archive", handler, now=last_day + dt.timedelta(hours=2))  # the next day
    assert complaint.status is Status.ARCHIVED


@pytest.mark.parametrize("rating", [Rating.SATISFIED, Rating.BASICALLY_SATISFIED, None])
def test_the_rating_never_releases_the_archive_before_the_review_period_ends(handler, rating):
    """Art. 35 sets no condition on the rating: a 满意 click keeps the case open for a review."""
    complaint = concluded(handler)
    if rating:
        tracking.rate(complaint, rating, "")
    assert "archive" not in casework.allowed_steps(complaint, handler, today=NOW.date())
    with pytest.raises(casework.ArchiveTooEarly):
        casework.apply(complaint, "archive", handler, now=NOW)
    assert complaint.status is Status.CONCLUDED and casework.may_open_review(complaint)
    after_the_period = dt.datetime(2026, 12, 23, 16, tzinfo=dt.timezone.utc)  # 12-24 in Beijing
    casework.apply(complaint, "archive", handler, now=after_the_period)
    assert complaint.status is Status.ARCHIVED


def test_a_case_final_after_its_re_review_is_archived_at_once(handler):
    complaint = concluded(handler)
    complaint.review_stage = ReviewStage.RE_REVIEW  # the province has decided the re-review
    assert not casework.may_open_review(complaint)
    casework.apply(complaint, "archive", handler, now=NOW)
    assert complaint.status is Status.ARCHIVED


def test_the_reporter_reads_the_newest_written_decision(handler, city_handler):
    complaint = concluded(handler)
    tracking.rate(complaint, Rating.UNSATISFIED, "")
    tracking.request_review(complaint, "答复不属实。", NOW)
    casework.apply(complaint, "decide_review", city_handler, "复查认定：责令整改并处以罚款。", now=NOW)
    reply = written_reply(complaint)
    assert reply.kind is EventKind.REVIEW_DECIDED and reply.body == "复查认定：责令整改并处以罚款。"
    assert reply.actor_label == "市局执法（浙杭执字0001）"


def test_casework_refuses_with_the_engines_exceptions():
    assert StepNotAllowed is workflow.StepNotAllowed and ReasonRequired is workflow.ReasonRequired
    assert issubclass(casework.ArchiveTooEarly, workflow.StepNotAllowed)


def test_each_step_audits_the_status_and_deadline_and_only_decisions_keep_their_words(handler):
    complaint = complaint_in(Status.REGISTERED)
    casework.apply(complaint, "accept", handler, "材料齐全", now=NOW)
    casework.apply(complaint, "note", handler, "举报人可能是竞争对手", now=NOW)
    accepted, noted = audit.for_object("complaint", complaint.id)[-2:]
    assert (accepted.action, accepted.actor, accepted.reason) == ("complaint.accept", f"user:{handler.id}", "材料齐全")
    assert accepted.before == '{"conclusion_due":"","status":"registered"}'
    assert accepted.after == '{"conclusion_due":"2027-01-22","status":"accepted"}'
    assert (noted.action, noted.reason) == ("complaint.note", "") and noted.before == noted.after
    assert complaint.next_due == complaint.conclusion_due == dt.date(2027, 1, 22)


def test_a_refused_step_leaves_no_trace(handler):
    complaint = complaint_in(Status.ACCEPTED)
    audited = len(audit.for_object("complaint", complaint.id))
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "link", handler, duplicate_of=complaint, now=NOW)
    with pytest.raises(ReasonRequired):
        casework.apply(complaint, "conclude", handler, "  ", now=NOW)
    assert complaint.duplicate_of_id is None and complaint.replied_at is None and complaint.status is Status.ACCEPTED
    assert len(audit.for_object("complaint", complaint.id)) == audited
    kinds = db.session.scalars(db.select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint.id))
    assert EventKind.LINKED not in kinds


def test_during_a_review_only_the_office_above_decides(handler, city_handler):
    complaint = concluded(handler)
    tracking.rate(complaint, Rating.UNSATISFIED, "")
    tracking.request_review(complaint, "答复不属实。", NOW)
    assert "decide_review" not in casework.allowed_steps(complaint, handler)
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "decide_review", handler, "自行复查", now=NOW)
    assert casework.allowed_steps(complaint, city_handler, today=NOW.date()) == ["assign", "message", "note",
                                                                                 "decide_review"]


def test_the_re_review_runs_on_its_own_clocks_under_article_36_and_is_named_by_stage(handler, city_handler):
    """复查 asked 2026-12-01 (decided within 30 days, art. 35); its decision on 12-10, read by the
    reporter on 12-11, opens 30 days to ask for a 复核 (to 2027-01-10, a Sunday → Monday 01-11),
    decided within 30 days (art. 36)."""
    from portal.casework.deadlines import rule

    complaint = concluded(handler)
    assert rule("re_review_request", complaint.region_code).basis.endswith("第三十六条")
    assert rule("re_review_decision", complaint.region_code).basis.endswith("第三十六条")
    assert casework.next_review_stage(complaint) is ReviewStage.REVIEW
    tracking.request_review(complaint, "答复不属实。", dt.datetime(2026, 12, 1, 2, tzinfo=dt.timezone.utc))
    assert complaint.review_decision_due == dt.date(2026, 12, 31) and complaint.state is ReviewState.REVIEW
    decided = dt.datetime(2026, 12, 10, 2, tzinfo=dt.timezone.utc)
    casework.apply(complaint, "decide_review", city_handler, "复查意见：维持。", now=decided)
    assert casework.next_review_stage(complaint) is ReviewStage.RE_REVIEW
    assert tracking.review_due(complaint) is None  # the new reply has not reached the reporter yet
    reply_delivery.opened(complaint, decided + dt.timedelta(days=1))
    assert tracking.review_due(complaint).day == dt.date(2027, 1, 11)
    assert tracking.next_step(complaint).due == dt.date(2027, 1, 11)
    tracking.request_review(complaint, "仍不服。", dt.datetime(2027, 1, 4, 2, tzinfo=dt.timezone.utc))
    assert complaint.review_decision_due == dt.date(2027, 2, 3) and complaint.state is ReviewState.RE_REVIEW
    assert tracking.next_step(complaint).due == dt.date(2027, 2, 3)
    province, _ = accounts.create_user("prov.handler", "省厅执法", Role.HANDLER, "330000", "浙教执字0009")
    event = casework.apply(complaint, "decide_review", province, "复核意见：维持。", now=NOW)
    assert event.kind is EventKind.RE_REVIEW_DECIDED and written_reply(complaint) is event
    assert casework.next_review_stage(complaint) is None and tracking.review_due(complaint) is None


def test_a_case_transferred_in_is_returned_with_an_objection_within_5_working_days(handler):
    """Received from 12345 on Monday 2026-09-28: 5 working days end on Saturday 2026-10-10, an
    adjusted working day (09-29, 09-30, then 10-01…10-07 off, 10-08, 10-09, 10-10), art. 23. A case
    filed online cannot be returned at all."""
    complaint = file(received_on=dt.date(2026, 9, 28), source=Source.HOTLINE_12345).complaint
    assert casework.objection_due(complaint).day == dt.date(2026, 10, 10)
    last_day = dt.datetime(2026, 10, 10, 2, tzinfo=dt.timezone.utc)
    assert "return" in casework.allowed_steps(complaint, handler, today=last_day.date())
    assert "return" not in casework.allowed_steps(complaint, handler, today=dt.date(2026, 10, 11))
    with pytest.raises(StepNotAllowed):
        casework.apply(complaint, "return", handler, "属市场监管职责", now=last_day + dt.timedelta(days=1))
    with pytest.raises(ReasonRequired):
        casework.apply(complaint, "return", handler, " ", now=last_day)
    event = casework.apply(complaint, "return", handler, "举报事项属市场监管部门职责，退回交办单位。", now=last_day)
    assert complaint.status is Status.RETURNED and event.public and event.actor_label == "李承办（浙杭执字0042）"
    assert "archive" in casework.allowed_steps(complaint, handler, today=last_day.date())
    online = file(received_on=dt.date(2026, 9, 28)).complaint
    assert casework.objection_due(online) is None
    with pytest.raises(StepNotAllowed):
        casework.apply(online, "return", handler, "不属本机关", now=NOW)
