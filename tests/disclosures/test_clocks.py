"""The disclosures' clocks: publication within the configured working days of the decision, and
withdrawal within 3 working days of a revocation; shown in the inbox, reminded daily, late ones
marked."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal.accounts.models import Role, User
from portal.disclosures import service
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.publication import clocks
from portal.security.audit import for_object
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.disclosures import draft_disclosure
from tests.support.forms import post_form

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the portal's local day


@pytest.fixture
def people(ctx):
    return {"handler": user("c.handler", Role.HANDLER, email="c.handler@example.org"),
            "reviewer": user("c.reviewer", Role.REVIEWER, "330100")}


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(4), tzinfo=dt.timezone.utc)  # noon in Shanghai


def published(people, on: dt.date | None = None, **overrides) -> Disclosure:
    disclosure = draft_disclosure(people["handler"], **overrides)
    service.submit(disclosure, people["handler"])
    service.review(disclosure, people["reviewer"], True, now=_noon(on) if on else None)
    return disclosure


def _clock(disclosure, name):
    return next(c for c in clocks.clocks(disclosure) if c.name == name)


def test_publication_is_due_seven_working_days_after_the_decision(people):
    # Monday 2026-09-28 + 7 working days: 1–7 October off, Saturday 10 October worked.
    draft = draft_disclosure(people["handler"], decision_date=dt.date(2026, 9, 28))
    assert _clock(draft, "publication").due == dt.date(2026, 10, 13)
    assert _clock(draft, "publication").late(TODAY)  # never published: overdue now
    assert [c.name for c in clocks.clocks(draft)] == ["publication"]  # no revocation, no withdrawal clock


def test_the_publication_limit_is_the_provinces_rule_in_force_when_the_draft_was_made(people):
    from portal.rules import service as rules

    before = draft_disclosure(people["handler"], decision_date=dt.date(2026, 9, 28))
    rules.change(rules.SYSTEM, "publication", rules.NATIONAL, "20", "本地规定（测试）")
    after = draft_disclosure(people["handler"], decision_date=dt.date(2026, 9, 28),
                             decision_number="杭西教罚〔2026〕903号")
    assert _clock(after, "publication").due == dt.date(2026, 10, 30)
    assert _clock(before, "publication").due == dt.date(2026, 10, 13)  # drafted before the change


def test_published_after_the_due_day_is_marked_late_and_on_time_is_not(people):
    decided = dt.date(2026, 11, 2)  # a Monday: due Wednesday 11 November
    late = published(people, on=dt.date(2026, 11, 12), decision_date=decided)
    assert _clock(late, "publication") == clocks.Clock("publication", dt.date(2026, 11, 11), False,
                                                       dt.date(2026, 11, 12))
    assert _clock(late, "publication").late(TODAY)
    timely = published(people, on=dt.date(2026, 11, 11), decision_date=decided, decision_number="杭西教罚〔2026〕902号")
    assert not _clock(timely, "publication").late(TODAY)


def test_a_revocation_starts_the_withdrawal_clock_and_a_late_withdrawal_is_flagged(people):
    disclosure = published(people, decision_date=dt.date(2026, 11, 2))
    service.record_revocation(disclosure, people["handler"], dt.date(2026, 11, 16))  # Monday → Thursday 19th
    withdrawal = _clock(disclosure, "withdrawal")
    assert withdrawal.due == dt.date(2026, 11, 19) and withdrawal.open() and withdrawal.late(TODAY)
    assert for_object("disclosure", disclosure.id)[-1].action == "disclosure.revocation"
    service.withdraw(disclosure, people["handler"], "复议撤销", now=_noon(dt.date(2026, 11, 20)))
    withdrawal = _clock(disclosure, "withdrawal")
    assert withdrawal.done_on == dt.date(2026, 11, 20) and withdrawal.late(TODAY)


def test_a_withdrawal_on_time_is_not_late_and_needs_a_real_revocation_day(people):
    disclosure = published(people, decision_date=TODAY - dt.timedelta(days=20))
    with pytest.raises(service.RevocationDateInvalid):
        service.withdraw(disclosure, people["handler"], "复议撤销")  # no day given, none recorded
    with pytest.raises(service.RevocationDateInvalid):
        service.withdraw(disclosure, people["handler"], "复议撤销", TODAY - dt.timedelta(days=30))  # too early
    with pytest.raises(service.RevocationDateInvalid):
        service.record_revocation(disclosure, people["handler"], TODAY + dt.timedelta(days=1))
    assert disclosure.revoked_on is None and disclosure.withdrawn_at is None
    service.withdraw(disclosure, people["handler"], "复议撤销", TODAY)
    assert disclosure.revoked_on == TODAY and not _clock(disclosure, "withdrawal").late(TODAY)


def test_the_inbox_and_the_page_show_the_deadlines_and_mark_late_ones(app):
    client = signed_in_client(app, "c.inbox", Role.HANDLER, "330106", lang="en")
    with app.app_context():
        handler = db.session.get(User, client.user_id)
        late = draft_disclosure(handler, decision_date=dt.date(2026, 9, 28), decision_number="杭西教罚〔2026〕960号")
        db.session.commit()
        late_id = late.id
    page = client.get("/staff/disclosures").get_data(as_text=True)
    row = page[page.index("杭西教罚〔2026〕960号"):]
    row = row[:row.index("</tr>")]
    assert "Publication due" in row and "Oct 13, 2026" in row and "overdue" in row
    detail = client.get(f"/staff/disclosures/{late_id}").get_data(as_text=True)
    assert "Publication due" in detail and "overdue" in detail


def test_the_withdrawal_form_takes_the_revocation_day(app):
    handler = signed_in_client(app, "c.w.handler", Role.HANDLER, "330106", lang="en")
    with app.app_context():
        people = {"handler": db.session.get(User, handler.user_id),
                  "reviewer": user("c.w.reviewer", Role.REVIEWER, "330100")}
        disclosure_id = published(people, decision_date=TODAY - dt.timedelta(days=10)).id
        db.session.commit()
    url = f"/staff/disclosures/{disclosure_id}"
    response = post_form(handler, url + "/withdraw", url, **{"withdraw-state": "published", "withdraw-reason": "撤销",
                                                            "withdraw-revoked_on": str(TODAY + dt.timedelta(days=2))})
    assert response.status_code == 422
    assert "The day must lie between the decision date and today." in response.get_data(as_text=True)
    response = post_form(handler, url + "/revocation", url, **{"revocation-state": "published",
                                                              "revocation-revoked_on": str(TODAY)})
    assert response.status_code == 302
    page = handler.get(url).get_data(as_text=True)
    assert "Withdrawal due" in page and f'value="{TODAY.isoformat()}"' in page  # the withdrawal form is prefilled
    response = post_form(handler, url + "/withdraw", url, **{"withdraw-state": "published", "withdraw-reason": "撤销",
                                                            "withdraw-revoked_on": str(TODAY)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Disclosure, disclosure_id).revoked_on == TODAY


def test_daily_reminders_are_sent_once_to_the_drafter(app, runner, mailbox):
    with app.app_context():
        handler = user("c.mail", Role.HANDLER, email="c.mail@example.org")
        draft_disclosure(handler, decision_date=dt.date(2026, 11, 2), decision_number="杭西教罚〔2026〕970号")
        db.session.commit()
    mailbox.received.clear()
    # Due Wednesday 11 November: on Monday the 9th it is due soon; on the 12th overdue.
    first = runner.invoke(args=["notify", "disclosures", "--today", "2026-11-09"])
    assert first.exit_code == 0, first.output
    mine = [m for m in mailbox.to("c.mail@example.org") if "杭西教罚〔2026〕970号" in m["Subject"]]
    assert len(mine) == 1 and "2026-11-11" in mine[0].get_content()
    again = runner.invoke(args=["notify", "disclosures", "--today", "2026-11-09"])
    assert again.exit_code == 0 and len(mailbox.about("杭西教罚〔2026〕970号")) == 1  # once only
    runner.invoke(args=["notify", "disclosures", "--today", "2026-11-12"])
    overdue = [m for m in mailbox.to("c.mail@example.org") if "杭西教罚〔2026〕970号" in m["Subject"]]
    assert len(overdue) == 2 and "Publication overdue" in overdue[1]["Subject"]


def test_disclosure_reminders_say_when_mail_is_off(runner):
    result = runner.invoke(args=["notify", "disclosures"])
    assert result.exit_code == 0 and "mail is off" in result.output


def test_the_public_page_shows_the_revocation_day_with_the_withdrawal(app, client):
    with app.app_context():
        people = {"handler": user("c.pub.handler", Role.HANDLER), "reviewer": user("c.pub.reviewer", Role.REVIEWER,
                                                                                  "330100")}
        disclosure = published(people, decision_date=TODAY - dt.timedelta(days=20))
        service.withdraw(disclosure, people["handler"], "行政复议决定撤销原处罚决定", TODAY - dt.timedelta(days=1))
        db.session.commit()
        disclosure_id = disclosure.id
    page = client.get(f"/disclosures/{disclosure_id}?lang=en").get_data(as_text=True)
    assert "The decision was revoked or changed on" in page and "行政复议决定撤销原处罚决定" in page
