"""The outbox: messages leave after the commit, never after a rollback, and a dead server is harmless."""
import datetime as dt
import logging

from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal import clock, transaction
from portal.extensions import db
from portal.notifications import mail, outbox
from portal.notifications.models import Attempt, Message, Result, State
from tests.support.complaints import file
from tests.support.mail import Mailbox, free_port, mail_settings


def recipients(mailbox) -> list[str]:
    return sorted(address for rcpt, _message in mailbox.received for address in rcpt)


def test_a_message_leaves_when_the_transaction_commits_and_not_before(ctx, mailbox):
    mail.queue("first.reader@example.org", "主题 / Subject", "正文\n\nBody")
    db.session.flush()
    assert mailbox.received == []
    db.session.commit()
    assert recipients(mailbox) == ["first.reader@example.org"]
    db.session.commit()
    assert len(mailbox.received) == 1  # sent once, not again with the next commit


def test_a_rolled_back_transaction_takes_its_messages_with_it(ctx, mailbox):
    file()  # queues the new-case message to the county's handlers
    db.session.rollback()
    db.session.commit()
    assert mailbox.received == []


def test_a_session_closed_without_a_commit_sends_nothing(ctx, mailbox):
    mail.queue("never@example.org", "s", "b")
    db.session.close()  # as at the end of a request that did not commit
    db.session.commit()
    assert mailbox.received == []


def test_a_released_savepoint_waits_for_the_outer_commit(ctx, mailbox):
    mail.queue("outer@example.org", "s", "b")
    with db.session.begin_nested():
        mail.queue("inner@example.org", "s", "b")
    assert mailbox.received == []  # only a savepoint was released; the outer transaction may still fail
    dropped = db.session.begin_nested()
    mail.queue("dropped@example.org", "s", "b")
    dropped.rollback()
    db.session.commit()
    assert recipients(mailbox) == ["inner@example.org", "outer@example.org"]


def test_messages_are_plain_utf8_text_from_the_configured_sender(ctx, mailbox):
    mail.queue("reader@example.org", "新的投诉 / New complaint", "您好\n\nHello")
    db.session.commit()
    message = mailbox.messages[0]
    assert message["From"] == "noreply@jubao.example.gov.cn"
    assert message["Subject"] == "新的投诉 / New complaint"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert message.get_content() == "您好\n\nHello\n"
    assert message["Message-ID"] and message["Date"]


def test_a_dead_server_is_logged_without_addresses_or_text_and_never_raises(ctx, mail_down, caplog):
    caplog.set_level(logging.INFO, logger="portal.notifications")
    mail.queue("private.person@example.org", "s", "confidential body words")
    mail.queue("another.person@example.org", "s", "confidential body words")
    db.session.commit()
    assert caplog.text.count("not sent, attempt 1: retry (ConnectionRefusedError)") == 2
    assert "private.person" not in caplog.text and "confidential" not in caplog.text


def _messages():
    return list(db.session.scalars(select(Message).order_by(Message.id)))


def test_a_message_is_a_sealed_row_of_the_transaction_that_causes_it(ctx, mail_down):
    mail.queue("private.person@example.org", "主题", "confidential body words", region_code="330106")
    [message] = _messages()
    assert message.state is State.PENDING and message.region_code == "330106"
    assert b"private.person" not in message.payload and b"confidential" not in message.payload
    db.session.rollback()
    assert _messages() == []  # the change did not happen, so neither does its message


def test_a_failed_attempt_waits_longer_each_time_then_is_delivered_once(ctx, mail_down, app):
    mail.queue("reader@example.org", "s", "b")
    db.session.commit()  # the first attempt meets a dead server
    [message] = _messages()
    first_wait = message.next_attempt_at - message.created_at
    assert message.state is State.PENDING and message.attempts == 1 and message.last_error == "ConnectionRefusedError"
    assert dt.timedelta(seconds=25) < first_wait < dt.timedelta(seconds=40)
    assert outbox.deliver_due() == (0, 0)  # not due yet: nothing is tried
    message.next_attempt_at = clock.now()  # the wait has passed
    db.session.commit()
    outbox.deliver_due()
    assert message.attempts == 2
    assert message.next_attempt_at - clock.now() > dt.timedelta(seconds=55)  # doubled
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with mail_settings(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port):
            message.next_attempt_at = clock.now()
            db.session.commit()
            assert outbox.deliver_due() == (1, 0)
            assert outbox.deliver_due() == (0, 0)
    finally:
        controller.stop()
    assert len(box.received) == 1 and message.state is State.SENT and message.sent_at
    results = [a.result for a in db.session.scalars(select(Attempt).where(Attempt.message_id == message.id)
                                                    .order_by(Attempt.number))]
    assert results == [Result.RETRY, Result.RETRY, Result.SENT]
    assert box.messages[0]["Message-ID"] == f"<{message.key}@jubao.example.gov.cn>"


def test_backoff_doubles_from_thirty_seconds_to_at_most_six_hours():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.backoff(30) == dt.timedelta(hours=6)


def test_a_permanent_refusal_gives_up_at_once_and_a_temporary_one_tries_again(ctx, app):
    class Refusing(Mailbox):
        async def handle_RCPT(self, server, session, envelope, address, options):
            if address.startswith("gone"):
                return "550 no such user"
            if address.startswith("busy"):
                return "451 try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    box = Refusing()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with mail_settings(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port):
            mail.queue("gone@example.org", "s", "b")
            mail.queue("busy@example.org", "s", "b")
            mail.queue("here@example.org", "s", "b")
            db.session.commit()
    finally:
        controller.stop()
    gone, busy, here = _messages()
    assert gone.state is State.FAILED and "550" in gone.last_error
    assert busy.state is State.PENDING and busy.attempts == 1
    assert here.state is State.SENT and len(box.received) == 1


def test_after_the_last_attempt_a_message_is_given_up(ctx, mail_down):
    mail.queue("reader@example.org", "s", "b")
    db.session.flush()
    [message] = _messages()
    message.attempts = outbox.MAX_ATTEMPTS - 1
    db.session.commit()  # the tenth attempt, delivered after the commit by a session of its own
    db.session.refresh(message)
    assert message.state is State.FAILED and message.attempts == outbox.MAX_ATTEMPTS


def test_with_mail_off_nothing_is_queued(ctx):
    assert not ctx.config["MAIL_SERVER"]
    file()
    assert transaction.queued(outbox.WAKE) == [] and _messages() == []


def test_the_portal_signs_in_to_the_server_with_the_password_from_its_file(app, ctx, tmp_path):
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticator(_server, _session, _envelope, _mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    (tmp_path / "mail_password").write_text("s3cret-from-file\n")
    try:
        with mail_settings(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USERNAME="portal",
                           MAIL_PASSWORD_FILE=str(tmp_path / "mail_password")):
            mail.queue("reader@example.org", "s", "b")
            db.session.commit()
    finally:
        controller.stop()
    assert logins == [(b"portal", b"s3cret-from-file")] and len(box.received) == 1
