"""The extension pages, and the office-head permission an administrator grants (audited)."""
from portal.accounts.models import Role, User
from portal.casework.models import Complaint
from portal.deadline_extensions.models import ExtensionRequest, ExtensionState
from portal.extensions import db
from portal.security import audit
from portal.staffing.models import GrantState, PrivilegeGrant
from tests.support.accounts import make_account
from tests.support.complaints import file, track
from tests.support.forms import hidden, post_form


def accepted_case(app, client):
    with app.app_context():
        filed = file()
        db.session.commit()
        complaint_id, receipt = filed.complaint.id, filed.receipt
    page = client.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    client.post(f"/staff/cases/{complaint_id}/steps/accept", data={"csrf_token": hidden(page, "csrf_token")})
    return complaint_id, receipt


def grant_office_head(app, admin, user_id, reason="任命文件 杭西教〔2026〕12号"):
    page = admin.get(f"/staff/users/{user_id}").get_data(as_text=True)
    return admin.post(f"/staff/users/{user_id}/office-head",
                      data={"csrf_token": hidden(page, "csrf_token"), "head-reason": reason, "head-grant": "1"})


def approve_grant(app, approver, user_id):
    with app.app_context():
        grant_id = db.session.scalar(db.select(PrivilegeGrant.id).filter_by(user_id=user_id, state=GrantState.PENDING))
    return post_form(approver, f"/staff/grants/{grant_id}", decision="approve", note="")


def test_an_administrator_asks_for_the_permission_with_a_reason_and_one_above_grants_it(app, signed_in):
    admin = signed_in(Role.ADMIN, "330106", username="ext.admin")
    head_id, _ = make_account(app, "ext.head.view", Role.HANDLER, "330106", "浙杭执字0600")
    assert grant_office_head(app, admin, head_id, reason="").status_code == 422
    assert grant_office_head(app, admin, head_id).status_code == 302
    with app.app_context():
        assert not db.session.get(User, head_id).office_head  # asked, not yet granted
    assert approve_grant(app, admin, head_id).status_code == 403  # never by the one who asked
    city = signed_in(Role.ADMIN, "330100", username="ext.city.admin")
    assert approve_grant(app, city, head_id).status_code == 302
    with app.app_context():
        assert db.session.get(User, head_id).office_head
        record = audit.for_object("user", head_id)[-1]
        assert (record.action, record.actor, record.reason) == ("user.office_head_granted", f"user:{city.user_id}",
                                                                "任命文件 杭西教〔2026〕12号")
    # Not to oneself, nor by anyone but an administrator.
    page = admin.get(f"/staff/users/{admin.user_id}").get_data(as_text=True)
    assert "/office-head" not in page
    assert grant_office_head(app, admin, admin.user_id).status_code in (403, 409)
    handler = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0601")
    assert handler.post(f"/staff/users/{head_id}/office-head", data={}).status_code in (400, 403)
    # Granted already: a second grant from an out-of-date page is refused, and the trail has one entry.
    assert grant_office_head(app, admin, head_id).status_code in (403, 409)
    with app.app_context():
        actions = [r.action for r in audit.for_object("user", head_id)]
        assert actions.count("user.office_head_granted") == 1


def test_asked_by_a_handler_and_decided_by_the_head_the_reporter_reads_the_reason(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", username="ext.asker", certificate="浙杭执字0610", lang="en")
    complaint_id, receipt = accepted_case(app, handler)
    case_page = handler.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    assert "Ask for an extension" in case_page and "/steps/extend" not in case_page
    page = handler.get(f"/staff/cases/{complaint_id}/extension").get_data(as_text=True)
    token = hidden(page, "csrf_token")
    response = handler.post(f"/staff/cases/{complaint_id}/extension", data={"csrf_token": token, "days": "45",
                                                                            "reason": "两处教学点需现场核查"})
    assert response.status_code == 422 and "两处教学点需现场核查" in response.get_data(as_text=True)
    response = handler.post(f"/staff/cases/{complaint_id}/extension", data={"csrf_token": token, "days": "20",
                                                                            "reason": "两处教学点需现场核查"})
    assert response.status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        due = complaint.conclusion_due
        asked = db.session.scalar(db.select(ExtensionRequest).filter_by(complaint_id=complaint_id))
        request_id = asked.id
    # The asker cannot decide, even with the permission; the head of the office can.
    with app.app_context():
        db.session.get(User, handler.user_id).office_head = True
        db.session.commit()
    response = handler.post(f"/staff/cases/{complaint_id}/extension/decision",
                            data={"csrf_token": token, "decision": "approve"})
    assert response.status_code == 409 and "someone else" in response.get_data(as_text=True)
    head = signed_in(Role.HANDLER, "330106", username="ext.decider", certificate="浙杭执字0611", lang="en")
    assert "Decide on the extension" not in head.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    with app.app_context():
        db.session.get(User, head.user_id).office_head = True
        db.session.commit()
    assert "Decide on the extension" in head.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    page = head.get(f"/staff/cases/{complaint_id}/extension").get_data(as_text=True)
    decide = f"/staff/cases/{complaint_id}/extension/decision"
    response = head.post(decide, data={"csrf_token": hidden(page, "csrf_token"), "decision": "refuse"})
    assert response.status_code == 422 and "Say why the extension is refused." in response.get_data(as_text=True)
    assert head.post(decide, data={"csrf_token": hidden(page, "csrf_token"), "decision": "approve"}).status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.extended and complaint.conclusion_due > due
        assert db.session.get(ExtensionRequest, request_id).state is ExtensionState.APPROVED
    reporter = app.test_client()
    track(reporter, receipt, lang="zh_CN")
    tracking_page = reporter.get("/track/case").get_data(as_text=True)
    assert "两处教学点需现场核查" in tracking_page and "经本机关负责人批准" in tracking_page


def test_nothing_waiting_is_refused_and_another_jurisdiction_is_not_found(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0620")
    complaint_id, _ = accepted_case(app, handler)
    page = handler.get(f"/staff/cases/{complaint_id}/extension").get_data(as_text=True)
    response = handler.post(f"/staff/cases/{complaint_id}/extension/decision",
                            data={"csrf_token": hidden(page, "csrf_token"), "decision": "approve"})
    assert response.status_code == 409
    other = signed_in(Role.HANDLER, "630103", certificate="青宁执字0621")
    assert other.get(f"/staff/cases/{complaint_id}/extension").status_code == 404


def test_the_heads_queue_lists_what_waits_and_marks_what_is_theirs(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0630", lang="en")
    complaint_id, _ = accepted_case(app, handler)
    page = handler.get(f"/staff/cases/{complaint_id}/extension").get_data(as_text=True)
    handler.post(f"/staff/cases/{complaint_id}/extension", data={"csrf_token": hidden(page, "csrf_token"),
                                                                 "days": "15", "reason": "需调取银行流水"})
    head = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0631", lang="en")
    with app.app_context():
        db.session.get(User, head.user_id).office_head = True
        db.session.commit()
        number = db.session.get(Complaint, complaint_id).case_number
    queue = head.get("/staff/extensions").get_data(as_text=True)
    assert number in queue and "需调取银行流水" in queue and "yours to decide" in queue
    asker_view = handler.get("/staff/extensions").get_data(as_text=True)
    assert number in asker_view and "yours to decide" not in asker_view
    other = signed_in(Role.HANDLER, "630103", certificate="青宁执字0632", lang="en")
    assert number not in other.get("/staff/extensions").get_data(as_text=True)
