"""No single administrator completes a reveal: privileged accounts (administrator, legal reviewer,
identity custodian) and the head-of-office permission need a second administrator from above; a
new or reset custodian waits before approving a reveal; each reveal is told to the offices above."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from portal.accounts import service
from portal.accounts.models import Role, User
from portal.custody import service as custody
from portal.custody.models import IdentityRequest
from portal.extensions import db
from portal.staffing import grants
from portal.staffing.models import GrantState, PrivilegeGrant
from tests.support.accounts import signed_in_client as signed_in
from tests.support.complaints import MARKER_NAME, MARKER_PHONE, file, named_identity
from tests.support.forms import post_form as post
from tests.support.mail import mailbox  # noqa: F401 (fixture)

REASON = "需要核实举报人是否为受害学生家长"


def shown_code(response) -> str:
    return re.search(r'class="receipt__code mono">([^<]+)<', response.get_data(as_text=True)).group(1)


def new_account(admin, username, role, region="330106", **fields):
    return post(admin, "/staff/users/new?lang=en", username=username, display_name=username, role=role,
                region=region, reason="任命文件 杭西教〔2026〕7号", **fields)


def pending_grant(app, username) -> int:
    with app.app_context():
        return db.session.scalar(select(PrivilegeGrant.id).join(PrivilegeGrant.user).where(
            User.username == username, PrivilegeGrant.state == GrantState.PENDING))


def decide(client, grant_id, decision="approve", note=""):
    return post(client, f"/staff/grants/{grant_id}?lang=en", decision=decision, note=note)


def signs_in(app, username, password) -> bool:
    with app.app_context():
        try:
            service.authenticate(username, password)
        except service.SignInFailed:
            return False
        return True


def test_one_administrator_alone_cannot_make_a_custodian_and_reveal(app):
    """The reproduced attack: a county administrator makes a handler and a custodian and signs in as
    both. Now the custodian account stays closed, and its password is split between two people."""
    county = signed_in(app, "fe.county", Role.ADMIN, "330106")
    handler = new_account(county, "fe.handler", "handler", certificate_number="浙杭执字0701")
    assert handler.status_code == 200 and "One-time password for fe.handler" in handler.get_data(as_text=True)
    made = new_account(county, "fe.custodian", "custodian")
    page = made.get_data(as_text=True)
    assert made.status_code == 200 and "First half of the one-time password" in page
    first = shown_code(made)
    assert not signs_in(app, "fe.custodian", first)  # closed: no half, nor a guess, opens it
    with app.app_context():
        assert not db.session.scalar(select(User).where(User.username == "fe.custodian")).active
    grant_id = pending_grant(app, "fe.custodian")
    assert decide(county, grant_id).status_code == 403  # not the one who asked
    peer = signed_in(app, "fe.county.peer", Role.ADMIN, "330106")
    assert decide(peer, grant_id).status_code == 403  # nor a peer of the same level
    assert "fe.custodian" not in peer.get("/staff/grants?lang=en").get_data(as_text=True)
    outside = signed_in(app, "fe.elsewhere", Role.ADMIN, "330200")
    assert outside.get(f"/staff/grants/{grant_id}").status_code == 404
    city = signed_in(app, "fe.city", Role.ADMIN, "330100")
    assert "fe.custodian" in city.get("/staff/grants?lang=en").get_data(as_text=True)
    refused = decide(city, grant_id, decision="refuse")
    assert refused.status_code == 422 and "Say why you refuse" in refused.get_data(as_text=True)
    approved = decide(city, grant_id)
    assert approved.status_code == 200 and "Second half of the one-time password" in approved.get_data(as_text=True)
    second = shown_code(approved)
    assert first not in approved.get_data(as_text=True)  # each administrator sees one half only
    assert not signs_in(app, "fe.custodian", first) and not signs_in(app, "fe.custodian", second)
    assert signs_in(app, "fe.custodian", first + second)
    with app.app_context():
        custodian = db.session.scalar(select(User).where(User.username == "fe.custodian"))
        assert custodian.active and custodian.must_change_password and custodian.privileged_since is not None
        grant = db.session.get(PrivilegeGrant, grant_id)
        assert grant.first_half is None and grant.decided_by_id == city.user_id
    assert decide(city, grant_id).status_code == 403  # decided once


def test_at_the_top_another_administrator_of_the_same_jurisdiction_decides(app):
    province = signed_in(app, "fe.province", Role.ADMIN, "330000")
    assert new_account(province, "fe.reviewer", "reviewer", region="330000",
                       certificate_number="浙执字0702").status_code == 200
    grant_id = pending_grant(app, "fe.reviewer")
    assert decide(province, grant_id).status_code == 403
    other = signed_in(app, "fe.province.two", Role.ADMIN, "330000")
    assert decide(other, grant_id).status_code == 200


def test_resetting_a_custodian_closes_it_until_a_second_administrator_approves(app):
    county = signed_in(app, "fe.reset.county", Role.ADMIN, "330106")
    custodian = signed_in(app, "fe.reset.custodian", Role.CUSTODIAN, "330106")
    assert custodian.get("/staff/identity-requests").status_code == 200
    reset = post(county, f"/staff/users/{custodian.user_id}/reset?lang=en", f"/staff/users/{custodian.user_id}",
                 reason="账号疑似泄露")
    assert reset.status_code == 200 and "First half" in reset.get_data(as_text=True)
    first = shown_code(reset)
    assert custodian.get("/staff/identity-requests").status_code in (302, 401)  # its sessions ended at once
    with app.app_context():
        assert not db.session.get(User, custodian.user_id).active
    again = post(county, f"/staff/users/{custodian.user_id}/reset", f"/staff/users/{custodian.user_id}",
                 reason="再次重置")
    assert again.status_code in (302, 403)  # closed accounts are not reset twice
    city = signed_in(app, "fe.reset.city", Role.ADMIN, "330100")
    second = shown_code(decide(city, pending_grant(app, "fe.reset.custodian")))
    assert signs_in(app, "fe.reset.custodian", first + second)


def test_a_handler_reset_needs_no_second_administrator(app):
    county = signed_in(app, "fe.h.county", Role.ADMIN, "330106")
    handler = signed_in(app, "fe.h.handler", Role.HANDLER, "330106", "浙杭执字0703")
    reset = post(county, f"/staff/users/{handler.user_id}/reset?lang=en", f"/staff/users/{handler.user_id}",
                 reason="忘记密码")
    assert "One-time password for" in reset.get_data(as_text=True)
    assert signs_in(app, "fe.h.handler", shown_code(reset))


@pytest.fixture
def named_case(app):
    with app.app_context():
        complaint = file(identity=named_identity()).complaint
        db.session.commit()
        return complaint.id, complaint.case_number


def test_a_new_custodian_waits_before_approving_a_reveal(app, named_case, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVILEGE_WAITING_HOURS", 72)
    complaint_id, _ = named_case
    handler = signed_in(app, "fe.w.handler", Role.HANDLER, "330106", "浙杭执字0704")
    custodian = signed_in(app, "fe.w.custodian", Role.CUSTODIAN, "330100")
    post(handler, f"/staff/cases/{complaint_id}/identity-requests", reason=REASON)
    with app.app_context():
        request_id = db.session.scalar(select(IdentityRequest.id).where(IdentityRequest.complaint_id == complaint_id))
        db.session.get(User, custodian.user_id).privileged_since = dt.datetime.now(dt.timezone.utc)
        db.session.commit()
    page = custodian.get(f"/staff/identity-requests/{request_id}?lang=en")
    assert page.status_code == 403 and "may approve a reveal 72 hours after" in page.get_data(as_text=True)
    assert post(custodian, f"/staff/identity-requests/{request_id}", decision="approve").status_code == 403
    with app.app_context():
        user = db.session.get(User, custodian.user_id)
        user.privileged_since -= dt.timedelta(hours=73)
        db.session.commit()
        assert grants.settled(user)
    assert post(custodian, f"/staff/identity-requests/{request_id}", decision="approve").status_code == 302


def test_every_reveal_is_told_to_the_offices_above_without_the_identity(app, named_case, mailbox):  # noqa: F811
    complaint_id, number = named_case
    handler = signed_in(app, "fe.m.handler", Role.HANDLER, "330106", "浙杭执字0705")
    custodian = signed_in(app, "fe.m.custodian", Role.CUSTODIAN, "330106")
    watchers = {"fe.m.city.admin": (Role.ADMIN, "330100"), "fe.m.city.custodian": (Role.CUSTODIAN, "330100"),
                "fe.m.province.admin": (Role.ADMIN, "330000")}
    for username, (role, region) in watchers.items():
        signed_in(app, username, role, region, email=f"{username}@example.gov.cn")
    signed_in(app, "fe.m.same.admin", Role.ADMIN, "330106", email="same@example.gov.cn")  # not above
    signed_in(app, "fe.m.other.admin", Role.ADMIN, "330200", email="other@example.gov.cn")  # elsewhere
    post(handler, f"/staff/cases/{complaint_id}/identity-requests", reason=REASON)
    with app.app_context():
        request = db.session.scalar(select(IdentityRequest).where(IdentityRequest.complaint_id == complaint_id))
        custody.decide(request, db.session.get(User, custodian.user_id), True)
        db.session.commit()
    assert not mailbox.about(number)
    post(handler, f"/staff/cases/{complaint_id}/identity")
    post(handler, f"/staff/cases/{complaint_id}/identity")  # told once per approval
    sent = mailbox.about(number)
    told = sorted(address for rcpt, _ in sent for address in rcpt if address.endswith("example.gov.cn"))
    assert told == sorted(f"{name}@example.gov.cn" for name in watchers)  # once each; not the same level
    body = sent[0][1].get_content()
    assert MARKER_NAME not in body and MARKER_PHONE not in body and "fe.m.handler" in body
