"""Where people land after signing in: where their role's work starts, or a safe `next` page."""
import pyotp
import pytest

from portal.accounts.models import Role
from tests.support.accounts import PASSWORD, make_account
from tests.support.forms import hidden


def sign_in(client, username: str, secret: str, next_page: str = "") -> str:
    """Both sign-in steps; returns where the second one sends the browser."""
    query = f"?next={next_page}" if next_page else ""
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login" + query, data={"csrf_token": hidden(page, "csrf_token"), "username": username,
                                                   "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(f"/login/code{query}", data={"csrf_token": hidden(page, "csrf_token"),
                                                         "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize(("role", "region", "landing"), [
    (Role.HANDLER, "330106", "/staff/cases"),
    (Role.REVIEWER, "330100", "/staff/cases"),
    (Role.ADMIN, "330100", "/staff/cases"),
    (Role.CUSTODIAN, "330100", "/staff/identity-requests"),
    (Role.SUPERVISOR, "330106", "/supervisor/"),
])
def test_each_role_lands_where_its_work_starts(app, role, region, landing):
    _id, secret = make_account(app, f"land.{role.value}", role, region)
    client = app.test_client()
    assert sign_in(client, f"land.{role.value}", secret) == landing
    assert client.get(landing).status_code == 200
    # Signed in already, the sign-in page sends them there too.
    assert client.get("/login").headers["Location"] == landing


@pytest.mark.parametrize(("username", "asked", "landing"), [
    ("land.next.account", "/staff/account", "/staff/account"),
    ("land.next.query", "/staff/disclosures?state=draft", "/staff/disclosures?state=draft"),
    ("land.next.slashes", "//evil.example/staff/", "/staff/cases"),
    ("land.next.scheme", "https://evil.example/x", "/staff/cases"),
])
def test_a_safe_next_page_still_wins_and_an_unsafe_one_is_ignored(app, username, asked, landing):
    _id, secret = make_account(app, username, Role.HANDLER, "330106")
    assert sign_in(app.test_client(), username, secret, asked) == landing
