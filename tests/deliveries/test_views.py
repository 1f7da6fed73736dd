"""/staff/outbox: administrators see their jurisdiction's undelivered messages, never an address or
a text, and can send a failed one again (audited); everyone else is refused."""
import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.notifications import mail
from portal.notifications.models import Message, State
from portal.security import audit
from tests.support.forms import hidden


def _messages(app, *regions, state=State.FAILED):
    with app.app_context():
        for region in regions:
            mail.queue(f"private.{region}@example.org", f"主题 {region}", "confidential words", region_code=region)
        db.session.flush()
        rows = list(db.session.scalars(select(Message).order_by(Message.id)))
        for row in rows:
            row.state, row.attempts, row.last_error = state, 10, "ConnectionRefusedError"
        db.session.commit()
        return [row.id for row in rows]


@pytest.mark.parametrize("lang, words", [("zh_CN", "待发送的消息"), ("en", "Outgoing messages")])
def test_an_admin_sees_the_failed_messages_of_the_jurisdiction_only(app, signed_in, mail_down, lang, words):
    xihu, other_city = _messages(app, "330106", "330203")
    admin = signed_in(Role.ADMIN, "330106", lang=lang)
    page = admin.get("/staff/outbox").get_data(as_text=True)
    assert words in page and f"#{xihu}" in page and f"#{other_city}" not in page
    assert "private." not in page and "confidential" not in page and "主题" not in page
    assert "ConnectionRefusedError" in page


def test_a_failed_message_goes_back_in_the_queue_audited(app, signed_in, mail_down):
    [message_id] = _messages(app, "330106")
    admin = signed_in(Role.ADMIN, "330106")
    page = admin.get("/staff/outbox").get_data(as_text=True)
    response = admin.post(f"/staff/outbox/{message_id}/retry", data={"csrf_token": hidden(page, "csrf_token")})
    assert response.status_code == 302
    with app.app_context():
        message = db.session.get(Message, message_id)
        # Sent again at once (inline in tests): the dead server fails it and it waits for the next attempt.
        assert message.state is State.PENDING and message.attempts == 1
        [record] = [r for r in audit.for_object("outbox_message", message_id) if r.action == "outbox.retry"]
        assert record.actor == f"user:{admin.user_id}"


def test_another_jurisdictions_message_answers_404_and_a_pending_one_409(app, signed_in, mail_down):
    other, = _messages(app, "330203")
    admin = signed_in(Role.ADMIN, "330106")
    token = hidden(admin.get("/staff/outbox").get_data(as_text=True), "csrf_token")
    assert admin.post(f"/staff/outbox/{other}/retry", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        db.session.get(Message, other).region_code = "330106"
        db.session.get(Message, other).state = State.PENDING
        db.session.commit()
    assert admin.post(f"/staff/outbox/{other}/retry", data={"csrf_token": token}).status_code == 409


@pytest.mark.parametrize("role", [Role.HANDLER, Role.REVIEWER, Role.CUSTODIAN])
def test_only_administrators_open_the_page(signed_in, role):
    client = signed_in(role, "330106", certificate="浙杭执字9900" if role in (Role.HANDLER, Role.REVIEWER) else None)
    assert client.get("/staff/outbox").status_code == 403
