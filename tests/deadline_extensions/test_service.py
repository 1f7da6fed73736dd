"""Extensions need the head of the office (信访工作条例 art. 34): a handler asks with the reason;
someone else, holding the office-head permission in the office handling the case, approves or
refuses; until then the deadline stands; once approved the reporter reads the reason."""
import datetime as dt

import pytest

from portal.accounts.models import Role
from portal.casework import service as casework
from portal.casework.models import EventKind, Status
from portal.casework.timeline import public_timeline
from portal.deadline_extensions import service as extensions
from portal.deadline_extensions.models import ExtensionState
from portal.security import audit
from portal.workflow import OwnWork, ReasonRequired, StepNotAllowed
from tests.support.accounts import staff_user
from tests.support.complaints import file

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Beijing


@pytest.fixture
def handler(ctx):
    return staff_user("ext.handler", Role.HANDLER, "330106", "浙杭执字0501", display_name="李承办")


@pytest.fixture
def head(ctx):
    user = staff_user("ext.head", Role.HANDLER, "330106", "浙杭执字0500", display_name="王局长")
    user.office_head = True
    return user


def accepted(handler, now=NOW):
    complaint = file().complaint
    casework.apply(complaint, "accept", handler, now=now)
    return complaint


def test_the_deadline_stands_until_the_head_of_the_office_approves(handler, head):
    complaint = accepted(handler)
    due = complaint.conclusion_due
    assert due == dt.date(2027, 1, 22)
    asked = extensions.request(complaint, handler, 30, "需要对两处教学点现场核查", now=NOW)
    assert asked.state is ExtensionState.PENDING and complaint.conclusion_due == due and not complaint.extended
    assert EventKind.EXTENDED not in [e.kind for e in public_timeline(complaint)]  # the reporter sees nothing yet
    extensions.decide(asked, complaint, head, True, now=NOW)
    assert asked.state is ExtensionState.APPROVED and asked.decided_by_id == head.id
    assert complaint.conclusion_due == complaint.next_due == dt.date(2027, 2, 22) and complaint.extended
    told = [e for e in public_timeline(complaint) if e.kind is EventKind.EXTENDED]
    assert [(e.body, e.actor_label) for e in told] == [("需要对两处教学点现场核查", "王局长（浙杭执字0500）")]
    extend = [r for r in audit.for_object("complaint", complaint.id) if r.action == "complaint.extend"][-1]
    assert extend.actor == f"user:{head.id}" and extend.reason == "需要对两处教学点现场核查"
    assert '"days":30' in extend.after and "2027-02-22" in extend.after and "2027-01-22" in extend.before
    assert [r.action for r in audit.for_object("extension_request", asked.id)] == ["extension.request",
                                                                                  "extension.approve"]


def test_the_asker_never_approves_even_as_head_of_the_office(head, handler):
    complaint = accepted(handler)
    asked = extensions.request(complaint, head, 10, "案情复杂", now=NOW)
    with pytest.raises(OwnWork):
        extensions.decide(asked, complaint, head, True, now=NOW)
    assert asked.state is ExtensionState.PENDING and not complaint.extended


def test_only_the_head_of_the_office_handling_the_case_decides(ctx, handler):
    complaint = accepted(handler)
    asked = extensions.request(complaint, handler, 10, "案情复杂", now=NOW)
    colleague = staff_user("ext.colleague", Role.HANDLER, "330106", "浙杭执字0502")
    city_head = staff_user("ext.city.head", Role.HANDLER, "330100", "浙杭执字0001")
    city_head.office_head = True
    other_head = staff_user("ext.other.head", Role.HANDLER, "330105", "浙杭执字0503")
    other_head.office_head = True
    for user in (colleague, city_head, other_head):
        assert not extensions.may_decide(asked, user)
        with pytest.raises(StepNotAllowed):
            extensions.decide(asked, complaint, user, True, now=NOW)
    assert asked.state is ExtensionState.PENDING and complaint.conclusion_due == dt.date(2027, 1, 22)


def test_a_refusal_says_why_and_the_deadline_stands(handler, head):
    complaint = accepted(handler)
    asked = extensions.request(complaint, handler, 10, "案情复杂", now=NOW)
    with pytest.raises(ReasonRequired):
        extensions.decide(asked, complaint, head, False, "", now=NOW)
    extensions.decide(asked, complaint, head, False, "事实清楚，无需延期", now=NOW)
    assert asked.state is ExtensionState.REFUSED and complaint.conclusion_due == dt.date(2027, 1, 22)
    assert not complaint.extended and EventKind.EXTENDED not in [e.kind for e in public_timeline(complaint)]
    # Refused, the handler may ask again with better reasons; approved, never again.
    again = extensions.request(complaint, handler, 20, "新发现三处教学点需核查", now=NOW)
    extensions.decide(again, complaint, head, True, now=NOW)
    with pytest.raises(extensions.ExtensionNotOpen):
        extensions.request(complaint, handler, 5, "再次延期", now=NOW)


def test_one_request_at_a_time_at_most_30_days_before_the_limit_runs_out(handler, head):
    complaint = accepted(handler)
    with pytest.raises(extensions.TooManyDays):
        extensions.request(complaint, handler, 31, "案情复杂", now=NOW)
    with pytest.raises(ReasonRequired):
        extensions.request(complaint, handler, 10, "  ", now=NOW)
    asked = extensions.request(complaint, handler, 10, "案情复杂", now=NOW)
    with pytest.raises(extensions.ExtensionNotOpen):
        extensions.request(complaint, handler, 10, "再问一次", now=NOW)
    too_late = dt.datetime(2027, 1, 22, 16, tzinfo=dt.timezone.utc)  # 01-23 in Beijing, the day after
    with pytest.raises(extensions.ExtensionNotOpen):
        extensions.decide(asked, complaint, head, True, now=too_late)
    assert asked.state is ExtensionState.PENDING and not complaint.extended


def test_only_a_case_being_handled_is_extended(handler, head):
    complaint = file().complaint  # registered, not accepted: no time limit to extend
    with pytest.raises(extensions.ExtensionNotOpen):
        extensions.request(complaint, handler, 10, "案情复杂", now=NOW)
    complaint = accepted(handler)
    asked = extensions.request(complaint, handler, 10, "案情复杂", now=NOW)
    casework.apply(complaint, "conclude", handler, "经查属实。", now=NOW)
    with pytest.raises(extensions.ExtensionNotOpen):
        extensions.decide(asked, complaint, head, True, now=NOW)


def test_an_extension_counts_from_the_legal_period_not_a_moved_end(handler, head):
    """Accepted 2026-08-03: day 60 is 2026-10-02 (National Day), moved to 2026-10-08; a 10-day
    extension ends 70 days after acceptance (Monday 2026-10-12), not 10 days after the moved end."""
    accepted_at = dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.timezone.utc)
    complaint = accepted(handler, accepted_at)
    assert complaint.conclusion_due == dt.date(2026, 10, 8)
    asked = extensions.request(complaint, handler, 10, "现场核查", now=accepted_at)
    extensions.decide(asked, complaint, head, True, now=accepted_at)
    assert complaint.conclusion_due == dt.date(2026, 10, 12)


def test_handlers_ask_but_supervisors_and_custodians_neither_ask_nor_decide(ctx, handler):
    complaint = accepted(handler)
    custodian = staff_user("ext.custodian", Role.CUSTODIAN, "330106")
    custodian.office_head = True  # even if someone set it by hand
    with pytest.raises(StepNotAllowed):
        extensions.request(complaint, custodian, 10, "案情复杂", now=NOW)
    asked = extensions.request(complaint, handler, 10, "案情复杂", now=NOW)
    assert not extensions.may_decide(asked, custodian)
    assert Status.ACCEPTED in extensions.EXTENDABLE


def test_the_heads_of_the_office_are_mailed_without_details(handler, head, mailbox):
    from portal.extensions import db

    head.email = "head@example.gov.cn"
    elsewhere = staff_user("ext.head.elsewhere", Role.HANDLER, "330105", "浙杭执字0509", email="h2@example.gov.cn")
    elsewhere.office_head = True
    complaint = accepted(handler)
    extensions.request(complaint, handler, 10, "案情复杂，需调取银行流水", now=NOW)
    db.session.commit()
    sent = mailbox.about(complaint.case_number)
    assert [rcpt for rcpt, _message in sent if "head@example.gov.cn" in rcpt]
    assert not mailbox.to("h2@example.gov.cn")
    body = sent[-1][1].get_content()
    assert "/extension" in body and "银行流水" not in body and complaint.institution_name not in body
