"""Identity custody: a handler asks with a reason, a custodian of the case's jurisdiction decides,
the approved handler may view the identity for 24 hours, and every step is audited."""
import datetime as dt

import pytest
from flask import render_template
from sqlalchemy import select

from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.custody import service as custody
from portal.custody.models import IdentityRequest, RequestState
from portal.extensions import db
from portal.security import audit
from tests.support.accounts import signed_in_client as signed_in
from tests.support.complaints import MARKER_EMAIL, MARKER_ID, MARKER_NAME, MARKER_PHONE, file, named_identity
from tests.support.forms import post_form as post

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Beijing
HOUR = dt.timedelta(hours=1)
MARKERS = (MARKER_NAME, MARKER_PHONE, MARKER_ID, MARKER_EMAIL)
REASON = "举报人需作为证人接受询问，需当面核实其反映的收费情况。"


def assert_no_identity(text: str) -> None:
    for marker in MARKERS:
        assert marker not in text, f"{marker!r} is on the page"


def identity_actions(complaint_id: int) -> list[tuple[str, str]]:
    return [(record.action, record.actor) for record in audit.for_object("complaint", complaint_id)
            if record.action.startswith("identity.")]


# The rules, through the service -------------------------------------------------------------

@pytest.fixture
def people(ctx):
    def make(username, role, region, certificate=None):
        return accounts.create_user(username, username, role, region, certificate)[0]
    return {
        "handler": make("cu.handler", Role.HANDLER, "330106", "浙杭执字0101"),
        "colleague": make("cu.colleague", Role.HANDLER, "330106", "浙杭执字0102"),
        "county": make("cu.county", Role.CUSTODIAN, "330106"),
        "city": make("cu.city", Role.CUSTODIAN, "330100"),
        "ningbo": make("cu.ningbo", Role.CUSTODIAN, "330200"),
        "reviewer": make("cu.reviewer", Role.REVIEWER, "330106", "浙杭审字0001"),
    }


@pytest.fixture
def named(ctx):
    return file(identity=named_identity()).complaint


@pytest.mark.parametrize("custodian", ["county", "city"])
def test_request_approve_view_then_the_approval_runs_out(people, named, custodian):
    handler, keeper = people["handler"], people[custodian]
    request = custody.request_reveal(named, handler, REASON, now=NOW)
    assert request.state is RequestState.PENDING
    custody.decide(request, keeper, approve=True, now=NOW + HOUR)
    assert request.state is RequestState.APPROVED and request.expires_at == NOW + 25 * HOUR

    revealed = custody.reveal(named, handler, now=NOW + 2 * HOUR)
    assert revealed.identity == {"name": MARKER_NAME, "phone": MARKER_PHONE, "email": MARKER_EMAIL,
                                 "id_number": MARKER_ID}
    custody.reveal(named, handler, now=NOW + 24 * HOUR)  # a second viewing, recorded again
    with pytest.raises(custody.NoLiveApproval):
        custody.reveal(named, handler, now=NOW + 25 * HOUR)

    handler_actor, keeper_actor = f"user:{handler.id}", f"user:{keeper.id}"
    assert identity_actions(named.id) == [("identity.request", handler_actor), ("identity.approve", keeper_actor),
                                          ("identity.viewed", handler_actor), ("identity.viewed", handler_actor)]
    records = [r for r in audit.for_object("complaint", named.id) if r.action.startswith("identity.")]
    assert records[0].reason == REASON and records[0].at == NOW
    assert '"state":"pending"' in records[1].before and '"state":"approved"' in records[1].after
    for record in records:
        assert_no_identity(record.before + record.after + record.reason)


def test_custodian_of_another_city_cannot_see_or_decide(people, named):
    request = custody.request_reveal(named, people["handler"], REASON, now=NOW)
    with pytest.raises(custody.RequestNotFound):
        custody.for_custodian(people["ningbo"], request.id)
    with pytest.raises(custody.NotPermitted):
        custody.decide(request, people["ningbo"], approve=True, now=NOW)
    assert custody.queue(people["ningbo"]).pending == []
    assert [r.id for r in custody.queue(people["city"]).pending] == [request.id]
    assert custody.for_custodian(people["city"], request.id).id == request.id


def test_denial_needs_a_note_and_lets_nothing_be_seen(people, named):
    request = custody.request_reveal(named, people["handler"], REASON, now=NOW)
    with pytest.raises(custody.ReasonRequired):
        custody.decide(request, people["county"], approve=False, note="  ", now=NOW)
    custody.decide(request, people["county"], approve=False, note="理由不足，可通过回执联系举报人。", now=NOW)
    assert request.state is RequestState.DENIED and request.expires_at is None
    with pytest.raises(custody.AlreadyDecided):
        custody.decide(request, people["city"], approve=True, now=NOW)
    with pytest.raises(custody.NoLiveApproval):
        custody.reveal(named, people["handler"], now=NOW + HOUR)
    deny = audit.for_object("complaint", named.id)[-1]
    assert deny.action == "identity.deny" and deny.reason == "理由不足，可通过回执联系举报人。"


def test_only_the_requesting_handler_views(people, named):
    request = custody.request_reveal(named, people["handler"], REASON, now=NOW)
    custody.decide(request, people["county"], approve=True, now=NOW)
    for other in ("colleague", "county", "reviewer"):
        with pytest.raises(custody.NoLiveApproval):
            custody.reveal(named, people[other], now=NOW + HOUR)
    assert [a for a, _ in identity_actions(named.id)] == ["identity.request", "identity.approve"]


def test_only_handlers_request_and_only_custodians_decide(people, named):
    for role in ("county", "reviewer"):
        with pytest.raises(custody.NotPermitted):
            custody.request_reveal(named, people[role], REASON, now=NOW)
    request = custody.request_reveal(named, people["handler"], REASON, now=NOW)
    for role in ("colleague", "reviewer"):
        with pytest.raises(custody.NotPermitted):
            custody.decide(request, people[role], approve=True, now=NOW)


def test_anonymous_cases_cannot_be_requested(people):
    anonymous = file().complaint
    with pytest.raises(custody.AnonymousReporter):
        custody.request_reveal(anonymous, people["handler"], REASON, now=NOW)
    with pytest.raises(custody.AnonymousReporter):
        custody.reveal(anonymous, people["handler"], now=NOW)
    assert identity_actions(anonymous.id) == []


def test_reason_is_required_and_limited(people, named):
    for reason in ("", "   ", "理" * (custody.REASON_MAX + 1)):
        with pytest.raises(custody.ReasonRequired):
            custody.request_reveal(named, people["handler"], reason, now=NOW)
    assert custody.request_reveal(named, people["handler"], "理" * custody.REASON_MAX, now=NOW)


def test_no_second_request_while_one_is_waiting_or_running(people, named):
    handler = people["handler"]
    first = custody.request_reveal(named, handler, REASON, now=NOW)
    with pytest.raises(custody.AlreadyRequested):
        custody.request_reveal(named, handler, REASON, now=NOW)
    custody.decide(first, people["county"], approve=False, note="请补充理由。", now=NOW)
    second = custody.request_reveal(named, handler, REASON + "已补充。", now=NOW + HOUR)
    custody.decide(second, people["county"], approve=True, now=NOW + HOUR)
    with pytest.raises(custody.AlreadyRequested):
        custody.request_reveal(named, handler, REASON, now=NOW + 2 * HOUR)
    third = custody.request_reveal(named, handler, REASON, now=NOW + 26 * HOUR)  # the approval ran out
    assert third.state is RequestState.PENDING
    # A colleague's request is their own.
    assert custody.request_reveal(named, people["colleague"], REASON, now=NOW + HOUR)


def test_case_panel_shows_state_and_never_the_identity(app, people, named):
    handler, keeper = people["handler"], people["county"]

    def panel_html(user, now):
        with app.test_request_context("/staff/cases?lang=en"):
            return render_template("custody/case_panel.html", complaint=named, current_user=user,
                                   panel_data=custody.panel(named, user, now=now))

    page = panel_html(handler, NOW)
    assert 'name="reason"' in page and "/identity-requests" in page
    request = custody.request_reveal(named, handler, REASON, now=NOW)
    assert 'name="reason"' not in panel_html(handler, NOW)
    assert f"/staff/identity-requests/{request.id}" in panel_html(keeper, NOW)  # the custodian may decide
    custody.decide(request, keeper, approve=True, now=NOW)
    custody.reveal(named, handler, now=NOW + HOUR)
    page = panel_html(handler, NOW + HOUR)
    assert f"/staff/cases/{named.id}/identity" in page and 'name="reason"' not in page
    expired = panel_html(handler, NOW + 25 * HOUR)
    assert f"/staff/cases/{named.id}/identity\"" not in expired and 'name="reason"' in expired
    for user in (handler, keeper, people["colleague"], people["reviewer"]):
        assert_no_identity(panel_html(user, NOW + HOUR))
    anonymous = file().complaint
    with app.test_request_context("/staff/cases?lang=en"):
        page = render_template("custody/case_panel.html", complaint=anonymous, current_user=handler,
                               panel_data=custody.panel(anonymous, handler, now=NOW))
    assert 'name="reason"' not in page and "anonymous" in page


# The pages, through the client ---------------------------------------------------------------

@pytest.fixture
def case(app):
    with app.app_context():
        complaint = file(identity=named_identity()).complaint
        db.session.commit()
        return complaint.id, complaint.case_number


def ask(client, complaint_id, reason=REASON):
    url = f"/staff/cases/{complaint_id}/identity-requests?lang=en"
    return post(client, url, **({"reason": reason} if reason is not None else {}))


def open_identity(client, complaint_id):
    url = f"/staff/cases/{complaint_id}/identity?lang=en"
    return post(client, url)


def only_request(app, complaint_id):
    with app.app_context():
        return db.session.scalars(select(IdentityRequest).where(
            IdentityRequest.complaint_id == complaint_id)).one()


def test_the_whole_journey_through_the_pages(app, case):
    complaint_id, number = case
    handler = signed_in(app, "cv.handler", Role.HANDLER, "330106", "浙杭执字0201")
    custodian = signed_in(app, "cv.custodian", Role.CUSTODIAN, "330100")

    page = handler.get(f"/staff/cases/{complaint_id}/identity?lang=en").get_data(as_text=True)
    assert "You have no approved request on this case" in page
    assert_no_identity(page)

    response = ask(handler, complaint_id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/cases/{complaint_id}")
    request = only_request(app, complaint_id)

    page = custodian.get("/staff/identity-requests?lang=en").get_data(as_text=True)
    assert number in page and REASON in page and "cv.handler" in page
    assert_no_identity(page)
    page = custodian.get(f"/staff/identity-requests/{request.id}?lang=en").get_data(as_text=True)
    assert REASON in page and "Record the decision" in page
    assert_no_identity(page)
    response = post(custodian, f"/staff/identity-requests/{request.id}?lang=en", decision="approve")
    assert response.status_code == 302

    looked = handler.get(f"/staff/cases/{complaint_id}/identity?lang=en")
    page = looked.get_data(as_text=True)
    assert looked.status_code == 200 and "Open the reporter's identity" in page
    assert_no_identity(page)
    with app.app_context():  # looking at the page records nothing: only opening the identity does
        assert "identity.viewed" not in [action for action, _ in identity_actions(complaint_id)]
    response = open_identity(handler, complaint_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    for marker in MARKERS:
        assert marker in page
    assert handler.post(f"/staff/cases/{complaint_id}/identity", data={}).status_code == 400  # CSRF
    page = custodian.get("/staff/identity-requests?lang=en").get_data(as_text=True)
    assert "Approved" in page and "No request is waiting" in page
    assert_no_identity(page)
    with app.app_context():
        assert identity_actions(complaint_id) == [
            ("identity.request", f"user:{handler.user_id}"), ("identity.approve", f"user:{custodian.user_id}"),
            ("identity.viewed", f"user:{handler.user_id}")]
    # Deciding twice is refused.
    assert post(custodian, f"/staff/identity-requests/{request.id}", decision="deny",
                note="重复").status_code == 409


def test_request_form_errors_are_shown_beside_the_field(app, case):
    complaint_id, _ = case
    handler = signed_in(app, "cv.handler", Role.HANDLER, "330106", "浙杭执字0201")
    for reason, message in ((None, "Say why you need to know who the reporter is."),
                            ("  ", "Say why you need to know who the reporter is."),
                            ("理" * 1001, "Please keep it under 1000 characters.")):
        response = ask(handler, complaint_id, reason)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and 'class="field__error" id="reason-error"' in page
        assert message in page
    assert ask(handler, complaint_id).status_code == 302
    response = ask(handler, complaint_id)  # a duplicate while the first is waiting
    assert response.status_code == 409 and "waiting for a custodian" in response.get_data(as_text=True)
    with app.app_context():
        assert [a for a, _ in identity_actions(complaint_id)] == ["identity.request"]


def test_denial_with_a_note(app, case):
    complaint_id, _ = case
    handler = signed_in(app, "cv.handler", Role.HANDLER, "330106", "浙杭执字0201")
    custodian = signed_in(app, "cv.custodian", Role.CUSTODIAN, "330106")
    ask(handler, complaint_id)
    request = only_request(app, complaint_id)
    url = f"/staff/identity-requests/{request.id}?lang=en"
    response = post(custodian, url, decision="deny", note="")
    assert response.status_code == 422 and "Say why the request is denied." in response.get_data(as_text=True)
    assert only_request(app, complaint_id).state is RequestState.PENDING
    assert post(custodian, url, decision="deny", note="可通过案件留言联系举报人，无需身份。").status_code == 302
    page = handler.get(f"/staff/cases/{complaint_id}/identity?lang=en").get_data(as_text=True)
    assert "Your request was denied." in page and "可通过案件留言联系举报人" in page
    assert_no_identity(page)
    with app.app_context():
        records = [r for r in audit.for_object("complaint", complaint_id) if r.action.startswith("identity.")]
        assert [r.action for r in records] == ["identity.request", "identity.deny"]
        assert records[1].reason == "可通过案件留言联系举报人，无需身份。"


def test_another_city_custodian_gets_not_found(app, case):
    complaint_id, _ = case
    handler = signed_in(app, "cv.handler", Role.HANDLER, "330106", "浙杭执字0201")
    ningbo = signed_in(app, "cv.ningbo", Role.CUSTODIAN, "330200")
    ask(handler, complaint_id)
    request = only_request(app, complaint_id)
    assert ningbo.get(f"/staff/identity-requests/{request.id}").status_code == 404
    assert post(ningbo, f"/staff/identity-requests/{request.id}", page_url="/staff/identity-requests",
                decision="approve").status_code == 404
    assert ningbo.get(f"/staff/cases/{complaint_id}").status_code == 404
    page = ningbo.get("/staff/identity-requests").get_data(as_text=True)
    assert f"/staff/identity-requests/{request.id}" not in page and "cv.handler" not in page
    assert only_request(app, complaint_id).state is RequestState.PENDING


def test_roles_that_may_not_use_the_pages(app, case):
    complaint_id, _ = case
    handler = signed_in(app, "cv.handler", Role.HANDLER, "330106", "浙杭执字0201")
    custodian = signed_in(app, "cv.custodian", Role.CUSTODIAN, "330106")
    assert handler.get("/staff/identity-requests").status_code == 403
    assert custodian.get(f"/staff/cases/{complaint_id}/identity").status_code == 403
    assert post(custodian, f"/staff/cases/{complaint_id}/identity-requests", page_url="/staff/identity-requests",
                reason=REASON).status_code == 403


def test_a_second_handler_cannot_view(app, case):
    complaint_id, _ = case
    handler = signed_in(app, "cv.handler", Role.HANDLER, "330106", "浙杭执字0201")
    colleague = signed_in(app, "cv.colleague", Role.HANDLER, "330106", "浙杭执字0202")
    custodian = signed_in(app, "cv.custodian", Role.CUSTODIAN, "330106")
    ask(handler, complaint_id)
    request = only_request(app, complaint_id)
    post(custodian, f"/staff/identity-requests/{request.id}", decision="approve")
    response = colleague.get(f"/staff/cases/{complaint_id}/identity?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "You have no approved request on this case" in page
    assert_no_identity(page)
    with app.app_context():
        assert "identity.viewed" not in [a for a, _ in identity_actions(complaint_id)]


def test_anonymous_case_cannot_be_requested(app):
    with app.app_context():
        complaint_id = file().complaint.id
        db.session.commit()
    handler = signed_in(app, "cv.handler", Role.HANDLER, "330106", "浙杭执字0201")
    response = ask(handler, complaint_id)
    assert response.status_code == 409 and "stayed anonymous" in response.get_data(as_text=True)
    page = handler.get(f"/staff/cases/{complaint_id}/identity?lang=en").get_data(as_text=True)
    assert "stayed anonymous" in page
    with app.app_context():
        assert identity_actions(complaint_id) == []


def test_without_the_private_key_the_page_says_so(app, case, tmp_path, monkeypatch):
    complaint_id, _ = case
    handler = signed_in(app, "cv.handler", Role.HANDLER, "330106", "浙杭执字0201")
    custodian = signed_in(app, "cv.custodian", Role.CUSTODIAN, "330106")
    ask(handler, complaint_id)
    request = only_request(app, complaint_id)
    post(custodian, f"/staff/identity-requests/{request.id}", decision="approve")
    monkeypatch.setitem(app.config, "IDENTITY_PRIVATE_KEY_FILE", tmp_path / "no-such-key")

    response = handler.get(f"/staff/cases/{complaint_id}/identity?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Cache-Control"] == "no-store"
    assert "The identity private key is not configured on this server" in page
    assert_no_identity(page)
    assert "not configured" in custodian.get("/staff/identity-requests?lang=en").get_data(as_text=True)
    with app.app_context():
        assert "identity.viewed" not in [a for a, _ in identity_actions(complaint_id)]


def test_custodian_queue_lists_newest_first_with_constant_queries(app, count_queries):
    custodian = signed_in(app, "cv.custodian", Role.CUSTODIAN, "330100")

    def add_requests(count, start):
        with app.app_context():
            numbers = []
            for index in range(start, start + count):
                handler, _ = accounts.create_user(f"cq.handler{index}", f"承办{index}", Role.HANDLER,
                                                  "330106", f"浙杭执字9{index:03d}")
                complaint = file(identity=named_identity()).complaint
                custody.request_reveal(complaint, handler, f"理由{index}", now=NOW + index * HOUR)
                numbers.append(complaint.case_number)
            db.session.commit()
            return numbers

    first = add_requests(1, 0)
    with count_queries() as one:
        assert custodian.get("/staff/identity-requests").status_code == 200
    later = add_requests(4, 1)
    with count_queries() as five:
        page = custodian.get("/staff/identity-requests").get_data(as_text=True)
    assert five.count == one.count
    positions = [page.index(number) for number in reversed(first + later)]
    assert positions == sorted(positions)  # newest first
    assert_no_identity(page)
