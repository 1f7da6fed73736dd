"""Administrators manage the accounts of their own jurisdiction, and only those."""
import re

import pytest

from portal.accounts import service
from portal.accounts.models import Role, User
from portal.extensions import db
from tests.support.accounts import PASSWORD, make_account, sign_in
from tests.support.forms import hidden, post_form


@pytest.fixture
def admin(signed_in):
    return signed_in(Role.ADMIN, "330100", username="hz.admin")


def test_admin_lists_only_accounts_of_the_jurisdiction(app, admin):
    inside, _ = make_account(app, "xh.handler", Role.HANDLER, "330106", "浙杭执字1")
    outside, _ = make_account(app, "xn.handler", Role.HANDLER, "630103", "青宁执字1")
    page = admin.get("/staff/users?lang=zh_CN").get_data(as_text=True)
    assert "xh.handler" in page and "xn.handler" not in page
    assert admin.get(f"/staff/users/{inside}").status_code == 200
    assert admin.get(f"/staff/users/{outside}").status_code == 404
    response = post_form(admin, f"/staff/users/{inside}", reason="x")  # GET-only page: 405
    assert response.status_code == 405
    page = admin.get(f"/staff/users/{inside}").get_data(as_text=True)
    response = admin.post(f"/staff/users/{outside}/disable", data={"csrf_token": hidden(page, "csrf_token"),
                                                                   "reason": "not mine"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(User, outside).active


def test_other_roles_may_not_manage_accounts(signed_in):
    client = signed_in(Role.HANDLER, "330106")
    assert client.get("/staff/users").status_code == 403
    assert client.get("/staff/users/new").status_code == 403


def test_create_an_account_inside_and_not_outside(app, admin):
    response = post_form(admin, "/staff/users/new?lang=en", username="new.handler", display_name="新执法",
                         role="handler", region="330106", certificate_number="浙杭执字9")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "One-time password for 新执法" in page
    one_time = re.search(r'class="receipt__code mono">([^<]+)<', page).group(1)
    with app.app_context():
        assert service.authenticate("new.handler", one_time).must_change_password
    response = post_form(admin, "/staff/users/new?lang=en", username="far.away", display_name="远",
                         role="handler", region="630103", certificate_number="青执字1")
    assert response.status_code == 422 and "inside your own jurisdiction" in response.get_data(as_text=True)
    response = post_form(admin, "/staff/users/new?lang=en", username="no.cert", display_name="无证",
                         role="reviewer", region="330100")
    assert response.status_code == 422 and "need their certificate number" in response.get_data(as_text=True)


def test_disabling_ends_the_accounts_sessions_at_once(app, admin):
    target, secret = make_account(app, "xh.handler", Role.HANDLER, "330106", "浙杭执字1")
    other = app.test_client()
    sign_in(other, "xh.handler", secret)
    assert other.get("/staff/account").status_code == 200
    page = admin.get(f"/staff/users/{target}").get_data(as_text=True)
    response = admin.post(f"/staff/users/{target}/disable", data={"csrf_token": hidden(page, "csrf_token"),
                                                                  "reason": ""})
    assert response.status_code == 422  # a reason is required; nothing changed
    assert other.get("/staff/account").status_code == 200
    response = admin.post(f"/staff/users/{target}/disable", data={"csrf_token": hidden(page, "csrf_token"),
                                                                  "reason": "调离执法岗位"})
    assert response.status_code == 302
    signed_out = other.get("/staff/account")
    assert signed_out.status_code == 302 and signed_out.headers["Location"].startswith("/login")
    assert "调离执法岗位" in admin.get(f"/staff/users/{target}?lang=zh_CN").get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, target).active
    fresh = app.test_client()  # the right password no longer opens the second step, nor any staff page
    response = post_form(fresh, "/login?lang=en", username="xh.handler", password=PASSWORD)
    assert response.status_code == 422 and "/login/code" not in response.headers.get("Location", "")
    assert fresh.get("/staff/account").status_code == 302


def test_reset_gives_a_new_one_time_password_and_a_new_enrolment(app, admin):
    target, _secret = make_account(app, "xh.handler", Role.HANDLER, "330106", "浙杭执字1")
    page = admin.get(f"/staff/users/{target}").get_data(as_text=True)
    response = admin.post(f"/staff/users/{target}/reset", data={"csrf_token": hidden(page, "csrf_token"),
                                                                "reason": "手机丢失"})
    one_time = re.search(r'class="receipt__code mono">([^<]+)<', response.get_data(as_text=True)).group(1)
    with app.app_context():
        user = service.authenticate("xh.handler", one_time)
        assert user.must_change_password and user.totp_enrolled_at is None and user.totp_secret is None


def test_no_acting_on_yourself_or_a_peer_administrator(app, admin):
    with app.app_context():
        own = service.find_user("hz.admin").id
    peer, _ = make_account(app, "hz.admin2", Role.ADMIN, "330100")
    for target in (own, peer):
        page = admin.get(f"/staff/users/{target}").get_data(as_text=True)
        assert "formaction" not in page
        response = admin.post(f"/staff/users/{target}/disable", data={"csrf_token": hidden(page, "csrf_token"),
                                                                      "reason": "接管"})
        assert response.status_code == 403


def test_a_wider_administrator_may_manage_a_narrower_one(app, signed_in):
    client = signed_in(Role.ADMIN, "330000")
    city, _ = make_account(app, "hz.admin", Role.ADMIN, "330100")
    page = client.get(f"/staff/users/{city}").get_data(as_text=True)
    response = client.post(f"/staff/users/{city}/disable", data={"csrf_token": hidden(page, "csrf_token"),
                                                                 "reason": "调离"})
    assert response.status_code == 302


def test_the_account_list_names_places_and_runs_a_fixed_number_of_queries(app, admin, count_queries):
    make_account(app, "xh.handler", Role.HANDLER, "330106", "浙杭执字1")
    with count_queries() as few:
        page = admin.get("/staff/users?lang=zh_CN").get_data(as_text=True)
    assert "浙江省杭州市西湖区" in page
    for number in range(3):
        make_account(app, f"more{number}.handler", Role.HANDLER, "330108", f"浙杭执字2{number}")
    with count_queries() as more:
        admin.get("/staff/users?lang=zh_CN")
    assert more.count == few.count
