"""The outbox: messages leave after the commit, never after a rollback, and a dead server is harmless."""
import logging

from portal import transaction
from portal.extensions import db
from portal.notifications import mail
from tests.support.complaints import file


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
    assert "mail: 2 of 2 messages not sent (ConnectionRefusedError)" in caplog.text
    assert "private.person" not in caplog.text and "confidential" not in caplog.text


def test_with_mail_off_nothing_is_queued(ctx):
    assert not ctx.config["MAIL_SERVER"]
    file()
    assert transaction.queued(mail.OUTBOX) == []


def test_the_portal_signs_in_to_the_server_with_the_password_from_its_file(app, ctx, tmp_path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.support.mail import Mailbox, free_port, mail_settings

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
