"""Every back-office route, for every role, inside and outside the record's jurisdiction.

The table below says who may use each route. A route missing from the table fails the test, so
a new staff page cannot be added without deciding who may see it.
"""
import re

import pytest
from flask import url_for
from sqlalchemy import select

from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.complaints import custody
from portal.disclosures.models import DiscretionRule
from portal.extensions import db
from portal.security.attachments import clean
from tests.accounts.test_admin_views import make_account, sign_in
from tests.complaints.helpers import file, hidden, named_identity
from tests.disclosures.test_staff import draft_disclosure
from tests.support import files

STAFF = frozenset({Role.ADMIN, Role.HANDLER, Role.REVIEWER, Role.CUSTODIAN})
EVERYONE = STAFF | {Role.SUPERVISOR}
# endpoint: roles allowed. Routes taking a record answer 404 to an allowed role of another
# jurisdiction; a role that is not allowed gets 403 wherever the record is.
ACCESS = {
    "staff.account": EVERYONE,
    "staff.users": {Role.ADMIN},
    "staff.new_user": {Role.ADMIN},
    "staff.user_detail": {Role.ADMIN},
    "staff.user_action": {Role.ADMIN},
    "workdays.index": {Role.ADMIN},
    "casework.inbox": STAFF,
    "casework.case": STAFF,
    "casework.evidence": STAFF,
    "casework.packet": STAFF,
    "casework.export": STAFF,
    "casework.step": STAFF,
    "casework.register": {Role.ADMIN, Role.HANDLER},
    "audit.index": {Role.ADMIN},
    "staff.user_email": {Role.ADMIN},
    "rewards.decide": {Role.REVIEWER},
    "rewards.claim": {Role.HANDLER, Role.REVIEWER},
    "custody.new": {Role.HANDLER},
    "custody.identity": {Role.HANDLER},
    "custody.queue": {Role.CUSTODIAN},
    "custody.decide": {Role.CUSTODIAN},
    "disclosure_staff.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "disclosure_staff.new": {Role.ADMIN, Role.HANDLER},
    "disclosure_staff.detail": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "disclosure_staff.submit": {Role.ADMIN, Role.HANDLER},
    "disclosure_staff.review": {Role.REVIEWER},
    "disclosure_staff.withdraw": {Role.ADMIN, Role.HANDLER},
    "disclosure_staff.repair": {Role.ADMIN, Role.HANDLER},
    "disclosure_staff.discretion": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    # The benchmark is the same everywhere: province administrators only (both sides here are).
    "disclosure_staff.new_rule": {Role.ADMIN},
    "disclosure_staff.edit_rule": {Role.ADMIN},
}
RECORD_ARGUMENTS = {"complaint_id", "attachment_id", "user_id", "request_id", "disclosure_id"}
INSIDE = {Role.ADMIN: "330000"}  # a province administrator may also enter the holiday schedule
OUTSIDE = {Role.ADMIN: "630000"}


def staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff")]


def test_every_staff_route_is_in_the_access_table(app):
    assert {rule.endpoint for rule in staff_rules(app)} == set(ACCESS)


@pytest.fixture
def records(app):
    """A case with a file in Hangzhou's Xihu District, a handler account there, and that
    handler's pending request to see the reporter's identity."""
    with app.app_context():
        filed = file(identity=named_identity(), files=[clean(files.jpeg_with_gps(), "photo.jpg")])
        user, _ = accounts.create_user("matrix.target", "被管理账号", Role.HANDLER, "330106", "浙杭执字9")
        request = custody.request_reveal(filed.complaint, user, "需要核实举报人是否为受害学生家长")
        disclosure = draft_disclosure(user, region_code="330106", decision_number="矩阵测试〔2026〕1号")
        rule = db.session.scalars(select(DiscretionRule)).first()
        db.session.commit()
        from portal.complaints.models import Attachment
        attachment = db.session.query(Attachment).filter_by(complaint_id=filed.complaint.id).one()
        return {"complaint_id": filed.complaint.id, "attachment_id": attachment.id, "user_id": user.id,
                "request_id": request.id, "disclosure_id": disclosure.id, "rule_id": rule.id, "name": "note",
                "action": "disable"}


def signed_in(app, role, region, label):
    username = f"matrix.{label}.{role.value}"
    certificate = "证9" if role in (Role.HANDLER, Role.REVIEWER) else None
    _id, secret = make_account(app, username, role, region, certificate)
    client = app.test_client()
    sign_in(client, username, secret)
    return client


def call(client, rule, values, method):
    with client.application.test_request_context():
        url = url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})
    if method == "GET":
        return client.get(url)
    token = hidden(client.get("/staff/account").get_data(as_text=True), "csrf_token")
    return client.post(url, data={"csrf_token": token})


@pytest.mark.parametrize("role", sorted(EVERYONE, key=lambda r: r.value))
def test_role_by_route_inside_and_outside_the_jurisdiction(app, records, role):
    clients = {"inside": signed_in(app, role, INSIDE.get(role, "330100"), "in"),
               "outside": signed_in(app, role, OUTSIDE.get(role, "630100"), "out")}
    for rule in staff_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        takes_record = bool(rule.arguments & RECORD_ARGUMENTS)
        for side, client in clients.items():
            response = call(client, rule, records, method)
            where = f"{role.value} {side} {method} {rule.rule}"
            if role not in ACCESS[rule.endpoint]:
                assert response.status_code == 403, where
            elif side == "outside" and takes_record:
                assert response.status_code == 404, where
            elif method == "GET":
                assert response.status_code == 200, where
            else:  # an empty post is refused as incomplete or not possible now, never let through
                assert response.status_code in (409, 422), f"{where}: {response.status_code}"


def test_signed_out_visitors_are_sent_to_sign_in(app, records, client):
    for rule in staff_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: records[arg] for arg in rule.arguments})
        response = client.get(url) if method == "GET" else client.post(url)
        # A post without a session has no CSRF token either: refused before anything else.
        assert response.status_code in ((302,) if method == "GET" else (302, 400)), rule.rule
        if response.status_code == 302:
            assert re.search(r"/login\?next=", response.headers["Location"]), rule.rule
