"""`flask --app portal notify deadlines` and `create-user --email`."""
import datetime as dt

from portal.accounts import service as accounts
from portal.extensions import db
from tests.support.complaints import file

FRIDAY = "2026-11-27"


def test_notify_deadlines_sends_each_reminder_once(app, runner, mailbox):
    with app.app_context():
        complaint = file().complaint
        complaint.next_due = dt.date(2026, 12, 2)
        number = complaint.case_number
        db.session.commit()
    mailbox.received.clear()
    first = runner.invoke(args=["notify", "deadlines", "--today", FRIDAY])
    assert first.exit_code == 0, first.output
    sent = int(first.output.split(":")[1].split()[0])
    assert sent >= 1 and len(mailbox.received) >= sent
    assert len(mailbox.about(number)) == 1
    second = runner.invoke(args=["notify", "deadlines", "--today", FRIDAY])
    assert second.output.strip() == "deadline reminders: 0 sent; enforcement: 0 sent"
    assert len(mailbox.about(number)) == 1


def test_notify_deadlines_says_when_mail_is_off(runner):
    result = runner.invoke(args=["notify", "deadlines"])
    assert result.exit_code == 0 and "mail is off" in result.output


def test_create_user_takes_a_checked_email(app, runner):
    base = ["create-user", "--username", "cli.handler", "--role", "handler", "--region", "330106",
            "--certificate", "浙杭执字7"]
    refused = runner.invoke(args=[*base, "--email", "no-at-sign"])
    assert refused.exit_code != 0 and "--email is not a valid email address" in refused.output
    created = runner.invoke(args=[*base, "--email", "cli.handler@example.org"])
    assert created.exit_code == 0, created.output
    with app.app_context():
        assert accounts.find_user("cli.handler").email == "cli.handler@example.org"
