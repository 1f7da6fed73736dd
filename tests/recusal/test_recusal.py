"""Recusal (回避): an officer with a direct interest declares it on a case; from then on the
workflow engine refuses them every step on it (and on its extension request); the declaration is
audited on the case and shown to the office."""
import datetime as dt

import pytest

from portal.accounts.models import Role
from portal.casework import service as casework
from portal.casework.models import Complaint, Status
from portal.deadline_extensions import service as extensions
from portal.extensions import db
from portal.recusal import service as recusal
from portal.security import audit
from portal.workflow import Recused, StepNotAllowed
from tests.support.accounts import staff_user
from tests.support.complaints import file
from tests.support.forms import hidden

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def handler(ctx):
    return staff_user("rec.handler", Role.HANDLER, "330106", "浙杭执字0801", display_name="张承办")


def test_a_declared_interest_bars_every_step_on_the_case(handler):
    complaint = file().complaint
    assert "accept" in casework.allowed_steps(complaint, handler)
    recusal.declare(recusal.kind_of("complaint"), complaint, handler, "本人配偶在该机构任教", now=NOW)
    assert casework.allowed_steps(complaint, handler) == []
    for name in ("accept", "note", "not_accept"):
        with pytest.raises(Recused):
            casework.apply(complaint, name, handler, "文字", now=NOW)
    assert complaint.status is Status.REGISTERED
    record = audit.for_object("complaint", complaint.id)[-1]
    assert (record.action, record.actor, record.reason) == ("recusal.declared", f"user:{handler.id}",
                                                            "本人配偶在该机构任教")
    colleague = staff_user("rec.colleague", Role.HANDLER, "330106", "浙杭执字0802")
    casework.apply(complaint, "accept", colleague, now=NOW)  # the office goes on without them
    assert complaint.status is Status.ACCEPTED


def test_it_bars_the_cases_extension_request_too_and_unassigns(handler):
    complaint = file().complaint
    casework.apply(complaint, "accept", handler, now=NOW)
    head = staff_user("rec.head", Role.HANDLER, "330106", "浙杭执字0803")
    head.office_head = True
    asked = extensions.request(complaint, handler, 10, "案情复杂", now=NOW)
    complaint.assignee_id = head.id
    recusal.declare(recusal.kind_of("complaint"), complaint, head, "系该机构股东的近亲属", now=NOW)
    assert complaint.assignee_id is None and not extensions.may_decide(asked, head)
    with pytest.raises(Recused):
        extensions.decide(asked, complaint, head, True, now=NOW)
    recusal.declare(recusal.kind_of("complaint"), complaint, handler, "与举报人系亲属", now=NOW)
    with pytest.raises(StepNotAllowed):
        extensions.request(complaint, handler, 5, "再次", now=NOW)


def test_once_with_a_reason_and_only_in_the_jurisdiction(handler):
    complaint = file().complaint
    with pytest.raises(recusal.ReasonMissing):
        recusal.declare(recusal.kind_of("complaint"), complaint, handler, "  ", now=NOW)
    outsider = staff_user("rec.outsider", Role.HANDLER, "630103", "青宁执字0804")
    with pytest.raises(recusal.NotYours):
        recusal.declare(recusal.kind_of("complaint"), complaint, outsider, "无关", now=NOW)
    recusal.declare(recusal.kind_of("complaint"), complaint, handler, "亲属关系", now=NOW)
    with pytest.raises(recusal.AlreadyDeclared):
        recusal.declare(recusal.kind_of("complaint"), complaint, handler, "再次声明", now=NOW)


def test_a_recused_officer_is_refused_on_the_case_page_and_the_office_sees_it(app, signed_in):
    officer = signed_in(Role.HANDLER, "330106", username="rec.page", certificate="浙杭执字0810", lang="en")
    with app.app_context():
        filed = file()
        db.session.commit()
        complaint_id, number = filed.complaint.id, filed.complaint.case_number
    page = officer.get(f"/staff/cases/{complaint_id}/recusal").get_data(as_text=True)
    response = officer.post(f"/staff/cases/{complaint_id}/recusal", data={"csrf_token": hidden(page, "csrf_token"),
                                                                           "reason": ""})
    assert response.status_code == 422 and "Say what the interest is." in response.get_data(as_text=True)
    response = officer.post(f"/staff/cases/{complaint_id}/recusal", data={"csrf_token": hidden(page, "csrf_token"),
                                                                           "reason": "本人是该机构法定代表人的表亲"})
    assert response.status_code == 302
    case_page = officer.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    assert "you can no longer act on it" in case_page and "/steps/accept" not in case_page
    response = officer.post(f"/staff/cases/{complaint_id}/steps/accept",
                            data={"csrf_token": hidden(case_page, "csrf_token")})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status is Status.REGISTERED
    colleague = signed_in(Role.REVIEWER, "330100", certificate="浙杭审字0811", lang="en")
    listing = colleague.get("/staff/recusals").get_data(as_text=True)
    assert number in listing and "本人是该机构法定代表人的表亲" in listing
    other = signed_in(Role.HANDLER, "630103", certificate="青宁执字0812", lang="en")
    assert number not in other.get("/staff/recusals").get_data(as_text=True)
    assert other.get(f"/staff/cases/{complaint_id}/recusal").status_code == 404
