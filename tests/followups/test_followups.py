"""Follow-up calls (回访): phone, letter, visit and 12345 reporters are called after the written
reply; a call is recorded (reached or not, the rating, comments); an unsatisfied call sends the case
back for handling where the province's rule says so (a workflow step, audited, on the timeline)."""
import datetime as dt

import pytest
from sqlalchemy import func, select, text

from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.casework.models import Complaint, ComplaintEvent, EventKind, NotifyChannel, Rating, Source, Status
from portal.extensions import db
from portal.followups import service
from portal.recusal import service as recusal
from portal.rules import service as rules
from portal.security import audit
from tests.support.accounts import staff_user
from tests.support.complaints import MARKER_PHONE, file, named_identity
from tests.support.forms import hidden

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Beijing
REPLY = "经查属实，已责令该机构停止违规培训并退费。"


@pytest.fixture
def handler(ctx):
    return staff_user("fu.handler", Role.HANDLER, "330106", "浙杭执字0701", display_name="郑承办")


def concluded(handler, source=Source.PHONE, anonymous=False):
    extra = {} if anonymous else dict(identity=named_identity(), notify_channel=NotifyChannel.SMS,
                                      notify_contact=MARKER_PHONE)
    complaint = file(source=source, **extra).complaint
    casework.apply(complaint, "accept", handler, now=NOW)
    casework.apply(complaint, "conclude", handler, REPLY, now=NOW)
    return complaint


def reopening_in_zhejiang():
    admin = staff_user("fu.province", Role.ADMIN, "330000")
    rules.change(admin, "follow_up_reopens", "33", "yes", "浙江省回访不满意重办规定", now=NOW - dt.timedelta(days=1))


def test_offline_named_reporters_are_due_a_call_and_online_or_anonymous_ones_are_not(handler):
    phone, letter, visit, hotline = (concluded(handler, source) for source in
                                     (Source.PHONE, Source.LETTER, Source.VISIT, Source.HOTLINE_12345))
    concluded(handler, Source.ONLINE)
    concluded(handler, Source.PHONE, anonymous=True)
    file(source=Source.PHONE, identity=named_identity())  # no reply yet
    listed = service.due(handler)
    assert {item.complaint.id for item in listed} == {phone.id, letter.id, visit.id, hotline.id}
    assert listed[0].day == dt.date(2026, 11, 30)  # 5 working days after Monday 23 November
    assert service.due(staff_user("fu.outsider", Role.HANDLER, "630103")) == []


def test_a_call_without_answer_keeps_the_case_due_and_one_that_reached_ends_it(handler):
    complaint = concluded(handler)
    with pytest.raises(service.RatingRequired):
        service.record(complaint, handler, True, None, now=NOW)
    with pytest.raises(service.RatingRequired):
        service.record(complaint, handler, False, Rating.SATISFIED, now=NOW)
    service.record(complaint, handler, False, None, now=NOW + dt.timedelta(hours=1))
    [item] = service.due(handler)
    assert item.attempts == 1
    call = service.record(complaint, handler, True, Rating.BASICALLY_SATISFIED, "说基本满意。",
                          NOW + dt.timedelta(hours=2))
    assert service.due(handler) == [] and not call.reopened and complaint.status is Status.CONCLUDED
    record = audit.for_object("complaint", complaint.id)[-1]
    assert record.action == "complaint.follow_up" and '"rating":"basically_satisfied"' in record.after
    assert "基本满意。" not in record.after  # the comments stay out of the audit trail
    with pytest.raises(service.FollowUpNotOpen):
        service.record(complaint, handler, True, Rating.SATISFIED, now=NOW + dt.timedelta(hours=3))


def test_unsatisfied_keeps_the_case_closed_where_the_rule_says_no(handler):
    complaint = concluded(handler)
    call = service.record(complaint, handler, True, Rating.UNSATISFIED, now=NOW + dt.timedelta(hours=1))
    assert not call.reopened and complaint.status is Status.CONCLUDED


def test_unsatisfied_reopens_the_case_where_the_province_says_so(handler):
    reopening_in_zhejiang()
    complaint = concluded(handler)
    call = service.record(complaint, handler, True, Rating.UNSATISFIED, "认为退费不足。", NOW + dt.timedelta(hours=1))
    assert call.reopened and complaint.status is Status.IN_PROGRESS
    assert complaint.next_due == complaint.conclusion_due == dt.date(2027, 1, 22)  # 60 days from the day
    events = db.session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                                .order_by(ComplaintEvent.id)).all()
    assert [e.kind for e in events][-2:] == [EventKind.FOLLOW_UP, EventKind.REOPENED]
    assert events[-1].public and not events[-2].public
    record = audit.for_object("complaint", complaint.id)[-1]
    assert (record.action, record.actor) == ("complaint.reopen", f"user:{handler.id}")
    assert '"status":"in_progress"' in record.after
    casework.apply(complaint, "conclude", handler, "重新核查后，责令全额退费。", now=NOW + dt.timedelta(days=3))
    assert [item.complaint.id for item in service.due(handler)] == [complaint.id]  # the new reply: call again


def test_other_offices_other_roles_and_recused_staff_do_not_record(handler):
    complaint = concluded(handler)
    for person in (staff_user("fu.far", Role.HANDLER, "630103"), staff_user("fu.custodian", Role.CUSTODIAN)):
        with pytest.raises(service.FollowUpNotOpen):
            service.record(complaint, person, True, Rating.SATISFIED, now=NOW)
    recusal.declare(recusal.kind_of("complaint"), complaint, handler, "本人系该机构股东的近亲属", now=NOW)
    with pytest.raises(service.FollowUpNotOpen):
        service.record(complaint, handler, True, Rating.SATISFIED, now=NOW)


# ---- Pages -------------------------------------------------------------------------------------

def _case(app, handler_id: int) -> int:
    with app.app_context():
        complaint = concluded(db.session.get(User, handler_id))
        db.session.commit()
        return complaint.id


def test_the_inbox_lists_calls_due_and_the_form_keeps_input_beside_errors(app, signed_in):
    officer = signed_in(Role.HANDLER, "330106", username="fu.page", certificate="浙杭执字0710", lang="en")
    complaint_id = _case(app, officer.user_id)
    inbox = officer.get("/staff/cases?lang=en").get_data(as_text=True)
    assert "due a follow-up call" in inbox and f"/staff/follow-ups/{complaint_id}" in inbox
    url = f"/staff/follow-ups/{complaint_id}"
    token = hidden(officer.get(url + "?lang=en").get_data(as_text=True), "csrf_token")
    wrong = officer.post(url + "?lang=en", data={"csrf_token": token, "reached": "yes", "comments": "很好的答复"})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="rating-error"' in text and "很好的答复" in text
    done = officer.post(url, data={"csrf_token": token, "reached": "yes", "rating": "satisfied"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status is Status.CONCLUDED
    assert f"/staff/follow-ups/{complaint_id}" not in officer.get("/staff/follow-ups").get_data(as_text=True)
    other = signed_in(Role.HANDLER, "630103", username="fu.other")
    assert other.get(url).status_code == 404


def test_the_count_of_calls_due_is_the_list_and_postgresql_reads_it_from_its_index(handler):
    due = {concluded(handler, source).id for source in (Source.PHONE, Source.HOTLINE_12345)}
    reached = concluded(handler, Source.LETTER)
    service.record(reached, handler, True, Rating.SATISFIED, now=NOW + dt.timedelta(hours=1))
    concluded(handler, Source.ONLINE)
    concluded(handler, Source.VISIT, anonymous=True)
    file(source=Source.PHONE, identity=named_identity())  # no reply yet
    assert {item.complaint.id for item in service.due(handler)} == due
    assert service.due_count(handler) == len(due)
    assert service.due_count(staff_user("fu.city", Role.HANDLER, "330100")) == len(due)  # the city's prefix
    assert service.due_count(staff_user("fu.far.count", Role.HANDLER, "630103")) == 0
    if db.session.get_bind().dialect.name != "postgresql":
        return
    # The query's own predicates imply the partial index's, so the planner may use it (at two million
    # complaints it must: the alternative reads the whole table). Sequential scans off to see that it can.
    query = select(func.count()).select_from(Complaint).where(*service._due_query(handler))
    compiled = query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    assert "ix_complaints_follow_up_due" in plan, plan
