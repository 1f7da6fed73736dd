"""Who is told what: new cases to the office's handlers, the reporter's opt-in notice, deadlines."""
import datetime as dt

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.casework import mail as service
from portal.casework.models import NotifyChannel
from portal.extensions import db
from portal.notifications.mail import DIVIDER
from portal.reminders import service as reminders
from portal.reminders.models import NotificationSent
from tests.support.accounts import staff_user
from tests.support.complaints import MARKER_EMAIL, MARKER_ID, MARKER_NAME, MARKER_PHONE, draft, file, named_identity
from tests.support.mail import BASE_URL

DEMO_HANDLER = "demo.handler@example.invalid"  # the demo data's handler in 西湖区 (330106)
FRIDAY = dt.date(2026, 11, 27)
STORY = draft().description
PRIVATE = (MARKER_NAME, MARKER_PHONE, MARKER_ID, STORY, "小蜜蜂学习屋", "文三路")


def assert_nothing_private(message, also=()) -> None:
    text = message["Subject"] + message.get_content()
    for secret in (*PRIVATE, *also):
        assert secret not in text


def test_a_new_case_goes_to_each_active_handler_of_the_county_with_an_address(ctx, mailbox):
    staff_user("xh.mail", region="330106", email="xh.mail@example.org")
    staff_user("xh.silent", region="330106")
    staff_user("xh.gone", region="330106", email="xh.gone@example.org", active=False)
    staff_user("xh.admin", region="330106", email="xh.admin@example.org", role=Role.ADMIN)
    staff_user("sc.mail", region="330102", email="sc.mail@example.org")
    complaint = file(identity=named_identity(),
                     notify_channel=NotifyChannel.EMAIL, notify_contact=MARKER_EMAIL).complaint
    db.session.commit()
    assert sorted(rcpt for rcpt, _ in mailbox.received) == [[DEMO_HANDLER], ["xh.mail@example.org"]]
    for message in mailbox.messages:
        assert complaint.case_number in message["Subject"]
        assert f"{BASE_URL}/staff/cases/{complaint.id}" in message.get_content()
        assert complaint.acceptance_due.isoformat() in message.get_content()
        assert_nothing_private(message, also=(MARKER_EMAIL,))


def test_a_county_without_handlers_passes_to_the_nearest_office_above(ctx, mailbox):
    staff_user("hz.mail", region="330100", email="hz.mail@example.org")
    staff_user("zj.mail", region="330000", email="zj.mail@example.org")
    file(region_code="330108")  # 滨江区: nobody there has an address
    db.session.commit()
    assert [rcpt for rcpt, _ in mailbox.received] == [["hz.mail@example.org"]]


def test_the_reporters_notice_says_only_that_there_is_an_update(ctx, mailbox):
    complaint = file(identity=named_identity(),
                     notify_channel=NotifyChannel.EMAIL, notify_contact=MARKER_EMAIL).complaint
    db.session.commit()
    mailbox.received.clear()
    service.case_updated(complaint)
    db.session.commit()
    [(rcpt, message)] = mailbox.received
    assert rcpt == [MARKER_EMAIL]
    body = message.get_content()
    assert complaint.case_number in message["Subject"] and complaint.case_number in body
    assert f"{BASE_URL}/track" in body
    assert_nothing_private(message)
    assert "unlicensed" not in body and "licence" not in body  # not even the kind of problem


def test_no_notice_for_a_reporter_who_did_not_ask(ctx, mailbox):
    complaint = file(identity=named_identity()).complaint
    db.session.commit()
    mailbox.received.clear()
    service.case_updated(complaint)
    db.session.commit()
    assert mailbox.received == []


def test_messages_are_chinese_first_then_english(ctx, mailbox):
    """Fails until the zh_CN catalogue has the notification strings."""
    complaint = file(identity=named_identity(),
                     notify_channel=NotifyChannel.EMAIL, notify_contact=MARKER_EMAIL).complaint
    service.case_updated(complaint)
    db.session.commit()
    for message in mailbox.messages:
        chinese, english = message.get_content().split(DIVIDER)
        subject_zh, subject_en = message["Subject"].split(" / ")
        assert "update" in english or "complaint" in english
        assert any("\u4e00" <= char <= "\u9fff" for char in chinese + subject_zh)
        assert not any("\u4e00" <= char <= "\u9fff" for char in english + subject_en)


def due_on(day: dt.date | None, **overrides):
    complaint = file(identity=named_identity(), **overrides).complaint
    complaint.next_due = day
    return complaint


def reminders_for(cases) -> dict[int, set[str]]:
    rows = db.session.execute(select(NotificationSent.complaint_id, NotificationSent.kind)
                              .where(NotificationSent.complaint_id.in_([case.id for case in cases])))
    found: dict[int, set[str]] = {}
    for complaint_id, kind in rows:
        found.setdefault(complaint_id, set()).add(kind)
    return found


@pytest.fixture
def due_cases(ctx):
    cases = {"wednesday": due_on(dt.date(2026, 12, 2)),  # 3 working days after Friday, over the weekend
             "thursday": due_on(dt.date(2026, 12, 3)),  # 4 working days: not yet
             "today": due_on(FRIDAY),
             "yesterday": due_on(dt.date(2026, 11, 26)),
             "nothing": due_on(None)}
    db.session.commit()
    return cases


def test_reminders_count_working_days_over_the_weekend_and_find_the_overdue(ctx, mailbox, due_cases):
    mailbox.received.clear()
    assert reminders.send_deadline_reminders(FRIDAY) >= 3  # demo cases may be due too
    db.session.commit()
    cases = due_cases
    assert reminders_for(cases.values()) == {cases["wednesday"].id: {"due_soon"}, cases["today"].id: {"due_soon"},
                                             cases["yesterday"].id: {"overdue"}}
    for name in ("wednesday", "today", "yesterday"):
        [(rcpt, message)] = mailbox.about(cases[name].case_number)
        assert rcpt == [DEMO_HANDLER]
        body = message.get_content()
        assert cases[name].next_due.isoformat() in body
        assert f"{BASE_URL}/staff/cases/{cases[name].id}" in body
        assert_nothing_private(message)
    assert "Overdue" in mailbox.about(cases["yesterday"].case_number)[0][1]["Subject"]
    assert mailbox.about(cases["thursday"].case_number) == []


def test_each_reminder_is_sent_once_and_again_only_for_a_new_deadline_or_kind(ctx, mailbox, due_cases):
    reminders.send_deadline_reminders(FRIDAY)
    db.session.commit()
    mailbox.received.clear()
    assert reminders.send_deadline_reminders(FRIDAY) == 0
    db.session.commit()
    assert mailbox.received == []
    due_cases["wednesday"].next_due = dt.date(2026, 12, 1)  # a new deadline is a new reminder
    monday = dt.date(2026, 11, 30)  # Friday's "due today" case is overdue by Monday
    assert reminders.send_deadline_reminders(monday) >= 2
    db.session.commit()
    assert len(mailbox.about(due_cases["wednesday"].case_number)) == 1
    assert "Overdue" in mailbox.about(due_cases["today"].case_number)[0][1]["Subject"]
    assert mailbox.about(due_cases["yesterday"].case_number) == []


def test_a_reminder_goes_to_the_assignee_when_there_is_one(ctx, mailbox, due_cases):
    assignee = staff_user("xh.assignee", region="330106", email="xh.assignee@example.org")
    due_cases["wednesday"].assignee_id = assignee.id
    mailbox.received.clear()
    reminders.send_deadline_reminders(FRIDAY)
    db.session.commit()
    assert [rcpt for rcpt, _ in mailbox.about(due_cases["wednesday"].case_number)] == [["xh.assignee@example.org"]]
    unassigned = sorted(rcpt for rcpt, _ in mailbox.about(due_cases["today"].case_number))
    assert unassigned == [[DEMO_HANDLER], ["xh.assignee@example.org"]]  # the whole office


def test_with_mail_off_no_reminder_is_recorded(ctx, due_cases):
    assert reminders.send_deadline_reminders(FRIDAY) == 0
    assert reminders_for(due_cases.values()) == {}
