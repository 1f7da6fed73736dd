"""Cases nobody is handling: the notice to the offices above, the labelled assign list across
levels, and the list of cases an office has no handler for or left unassigned too long."""
import datetime as dt
import json
import secrets

import pytest

from portal import clock
from portal.accounts.models import Role
from portal.casework.models import Complaint, NotifyChannel, Source, Status
from portal.escalation import service
from portal.extensions import db
from portal.intake import filing
from portal.security import audit
from tests.support.accounts import staff_user
from tests.support.complaints import MARKER_EMAIL, MARKER_NAME, draft, file, named_identity
from tests.support.forms import hidden

DEMO_ADMIN = "demo.admin@example.invalid"  # the demo data's administrator of the province (330000)
DEMO_HANDLER = "demo.handler@example.invalid"  # the demo data's only handler, in 西湖区 (330106)
UNSTAFFED = "330108"  # 滨江区: no handler in the demo data, nor in 杭州市 or 浙江省 above it
PRIVATE = (MARKER_NAME, MARKER_EMAIL, draft().description, "小蜜蜂学习屋", "文三路")


def subjects(mailbox, address: str) -> list[str]:
    return [message["Subject"] for message in mailbox.to(address)]


def test_arrival_at_an_office_without_a_handler_tells_its_admins_and_the_office_above(ctx, mailbox):
    staff_user("bj.admin", Role.ADMIN, UNSTAFFED, email="bj.admin@example.org")
    staff_user("hz.admin", Role.ADMIN, "330100", email="hz.admin@example.org")
    staff_user("hz.handler", Role.HANDLER, "330100", email="hz.handler@example.org")
    staff_user("hz.gone", Role.HANDLER, "330100", email="hz.gone@example.org", active=False)
    staff_user("sc.admin", Role.ADMIN, "330102", email="sc.admin@example.org")  # a sibling county
    complaint = file(region_code=UNSTAFFED, identity=named_identity(),
                     notify_channel=NotifyChannel.EMAIL, notify_contact=MARKER_EMAIL).complaint
    db.session.commit()
    told = sorted(address for rcpt, _ in mailbox.received for address in rcpt)
    # The office above has a handler, so the notice stops there: the province is not troubled.
    assert told == ["bj.admin@example.org", "hz.admin@example.org", "hz.handler@example.org"]
    for message in mailbox.messages:
        assert message["Subject"] == (f"无人可以办理案件 {complaint.case_number} / "
                                      f"Nobody can handle case {complaint.case_number}")
        body = message.get_content()
        assert "滨江区" in body and "Binjiang" in body and body.index("滨江区") < body.index("Binjiang")
        assert f"/staff/cases/{complaint.id}" in body and complaint.acceptance_due.isoformat() in body
        assert not any(secret in message["Subject"] + body for secret in PRIVATE)


def test_with_nobody_above_either_the_notice_climbs_to_the_province(ctx, mailbox):
    file(region_code=UNSTAFFED)
    db.session.commit()
    assert [rcpt for rcpt, _ in mailbox.received] == [[DEMO_ADMIN]]


@pytest.mark.parametrize("how", ["online", "staff"])
def test_a_case_registered_by_staff_or_online_where_a_handler_works_is_the_usual_new_case(ctx, mailbox, how):
    officer = staff_user("xh.admin", Role.ADMIN, "330106", email="xh.admin@example.org")
    if how == "staff":
        filing.register_by_staff(officer, draft(source=Source.PHONE), secrets.token_urlsafe(32), dt.date(2026, 11, 22))
    else:
        file()
    db.session.commit()
    assert [rcpt for rcpt, _ in mailbox.received] == [[DEMO_HANDLER]]
    assert mailbox.messages[0]["Subject"].startswith("新投诉举报")


def test_staff_registration_in_an_office_without_a_handler_is_escalated(ctx, mailbox):
    officer = staff_user("bj.clerk", Role.ADMIN, UNSTAFFED, email="bj.clerk@example.org")
    filed = filing.register_by_staff(officer, draft(region_code=UNSTAFFED, source=Source.HOTLINE_12345),
                                     secrets.token_urlsafe(32), dt.date(2026, 11, 22))
    db.session.commit()
    number = filed.complaint.case_number
    assert subjects(mailbox, "bj.clerk@example.org") == [f"无人可以办理案件 {number} / Nobody can handle case {number}"]
    assert len(subjects(mailbox, DEMO_ADMIN)) == 1


def test_the_escalation_period_counts_working_days(ctx, app):
    """The worked check: three working days after Monday 2026-09-28 end on 10-08 (National Day
    week off), so that case is listed from 10-09; 10-10 is a Saturday worked (调休)."""
    assert service.arrived_by(dt.date(2026, 10, 8)) == dt.date(2026, 9, 27)
    assert service.arrived_by(dt.date(2026, 10, 9)) == dt.date(2026, 9, 28)
    assert service.arrived_by(dt.date(2026, 10, 12)) == dt.date(2026, 10, 7)
    app.config["UNASSIGNED_ESCALATION_DAYS"] = 5
    try:
        assert service.arrived_by(dt.date(2026, 10, 12)) == dt.date(2026, 9, 28)  # 9-30, 10-08, 09, 10 (Sat), 12
    finally:
        app.config["UNASSIGNED_ESCALATION_DAYS"] = 3


def filed(app, **overrides):
    with app.app_context():
        complaint = file(**overrides).complaint
        db.session.commit()
        return complaint.id, complaint.case_number


def post_step(client, complaint_id, name, **fields):
    page = client.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    return client.post(f"/staff/cases/{complaint_id}/steps/{name}",
                       data={"csrf_token": hidden(page, "csrf_token"),
                             **{f"{name}-{key}": value for key, value in fields.items()}})


def waiting_page(client) -> str:
    response = client.get("/staff/cases/unhandled")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_office_above_sees_an_unstaffed_case_and_assigns_its_own_handler(app, signed_in):
    with app.app_context():
        today = clock.today()
    complaint_id, number = filed(app, region_code=UNSTAFFED, received_on=today)
    city_admin = signed_in(Role.ADMIN, "330100", lang="zh_CN")
    county_admin = signed_in(Role.ADMIN, UNSTAFFED)
    sibling = signed_in(Role.ADMIN, "330102")
    # Listed at once (no waiting period: nobody there can take it), for the county's own
    # administrator and the city; a sibling county neither lists it nor opens it.
    for client in (city_admin, county_admin):
        page = waiting_page(client)
        assert number in page and "无人可以办理" in page
        assert 'id="escalation-title"' in client.get("/staff/cases").get_data(as_text=True)  # flagged in the inbox
    assert number not in waiting_page(sibling)
    assert sibling.get(f"/staff/cases/{complaint_id}").status_code == 404
    # The assign list offers the handlers of the offices above, marked with their level.
    empty = city_admin.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    assert "本机关及上级机关均没有在职的执法人员" in empty  # nobody yet in 滨江区, 杭州市 or 浙江省
    assert "滨江区没有在职的执法人员，无人可以承办此案件。" in empty  # the case page says why, and what to do
    with app.app_context():
        city_handler = staff_user("hz.case", Role.HANDLER, "330100", certificate="浙杭执字0100",
                                  display_name="钱城")
        db.session.commit()
        city_handler_id = city_handler.id
    page = city_admin.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    assert f'<option value="{city_handler_id}">市级 · 钱城（浙杭执字0100）</option>' in page
    english = city_admin.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert "City level · 钱城（浙杭执字0100）" in english
    assert post_step(city_admin, complaint_id, "assign", assignee=str(city_handler_id)).status_code == 302
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).assignee_id == city_handler_id
        [record] = [r for r in audit.for_object("complaint", complaint_id) if r.action == "complaint.assign"]
        assert json.loads(record.after)["assignee_office"] == "330100"
        assert json.loads(record.after)["case_office"] == UNSTAFFED
        assert record.actor == f"user:{city_admin.user_id}"
    assert "无人可以承办此案件" not in city_admin.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    # Assigned: no longer waiting, for anyone.
    assert number not in waiting_page(city_admin) and number not in waiting_page(county_admin)


def test_an_unassigned_case_reaches_the_office_above_after_the_working_days(app, signed_in):
    with app.app_context():
        today = clock.today()
    late_id, late = filed(app, received_on=service_day(app, today, late=True))
    fresh_id, fresh = filed(app, received_on=service_day(app, today, late=False))
    city = signed_in(Role.HANDLER, "330100", lang="en")
    page = waiting_page(city)
    assert late in page and fresh not in page
    assert "Unassigned for over 3 working days" in page and "has not assigned it to anyone" in page
    # The county's own office sees its inbox as before: the list is for the offices above.
    county = signed_in(Role.HANDLER, "330106")
    assert late not in waiting_page(county)
    assert signed_in(Role.ADMIN, "330102").get(f"/staff/cases/{late_id}").status_code == 404
    # The city's handler takes it: the assignment across levels is allowed and ends the listing.
    assert post_step(city, late_id, "assign", assignee=str(city.user_id)).status_code == 302
    assert late not in waiting_page(city)
    with app.app_context():
        assert db.session.get(Complaint, fresh_id).status is Status.REGISTERED


def service_day(app, today: dt.date, late: bool) -> dt.date:
    """A day of arrival just past the configured working days, or just inside them."""
    with app.app_context():
        cutoff = service.arrived_by(today)
    return cutoff if late else cutoff + dt.timedelta(days=1)


def test_the_list_is_for_those_who_assign(app, signed_in):
    reviewer = signed_in(Role.REVIEWER, "330100")
    assert reviewer.get("/staff/cases/unhandled").status_code == 403
    assert 'id="escalation-title"' not in reviewer.get("/staff/cases").get_data(as_text=True)


def test_the_waiting_period_is_a_setting(monkeypatch):
    from portal.config import ConfigurationError, TestingConfig

    assert TestingConfig().UNASSIGNED_ESCALATION_DAYS == 3
    monkeypatch.setenv("PORTAL_UNASSIGNED_ESCALATION_DAYS", "5")
    assert TestingConfig().UNASSIGNED_ESCALATION_DAYS == 5
    monkeypatch.setenv("PORTAL_UNASSIGNED_ESCALATION_DAYS", "three")
    with pytest.raises(ConfigurationError):
        TestingConfig()


def test_a_review_reaching_a_city_without_a_handler_is_escalated(ctx, mailbox):
    from portal.casework import service as casework
    from portal.casework.models import Rating
    from portal.intake import tracking

    handler = staff_user("xh.reply", Role.HANDLER, "330106")
    city_admin = staff_user("hz.boss", Role.ADMIN, "330100", email="hz.boss@example.org")
    complaint = file().complaint
    casework.apply(complaint, "accept", handler)
    casework.apply(complaint, "conclude", handler, "经查，该机构已停止培训。")
    tracking.rate(complaint, Rating.UNSATISFIED, "")
    db.session.commit()
    mailbox.received.clear()
    tracking.request_review(complaint, "机构仍在周末上课。", clock.now())
    db.session.commit()
    number = complaint.case_number
    assert complaint.handling_region_code == "330100"
    expected = f"无人可以办理案件 {number} / Nobody can handle case {number}"
    assert subjects(mailbox, city_admin.email) == [expected]
    assert subjects(mailbox, DEMO_ADMIN) == [expected]  # nobody in the province either
    # The city's own administrator sees it at once in the list, with the reason.
    assert [(row.complaint.id, row.reason) for row in service.waiting_for(city_admin)
            if row.complaint.id == complaint.id] == [(complaint.id, service.Reason.NOBODY_CAN_HANDLE)]


def test_the_inbox_flag_counts_every_case_and_shows_the_nearest_few(app, signed_in, monkeypatch):
    with app.app_context():
        today = clock.today()
        numbers = [file(region_code=UNSTAFFED, received_on=today - dt.timedelta(days=age)).complaint.case_number
                   for age in (0, 1, 2, 3)]
        db.session.commit()
    city = signed_in(Role.ADMIN, "330100", lang="en")
    with app.app_context():
        from portal.accounts.models import User

        user = db.session.get(User, city.user_id)
        everything = service.waiting_for(user)
        assert service.count_for(user) == len(everything) >= 4
        assert set(numbers) <= {row.complaint.case_number for row in everything}
    inbox = city.get("/staff/cases").get_data(as_text=True)
    flag = inbox.split('id="escalation-title"', 1)[1].split("</section>", 1)[0]
    assert f"{len(everything)} cases nobody is handling" in flag
    assert flag.count("/staff/cases/") - flag.count("/staff/cases/unhandled") == 3  # the nearest three
    monkeypatch.setattr(service, "LIMIT", 2)
    page = waiting_page(city)
    assert f"The 2 with the nearest deadlines are shown, of {len(everything)}." in page


def test_the_waiting_list_is_its_count_and_postgresql_reads_it_from_its_index(ctx):
    city = staff_user("wait.city", Role.ADMIN, "330100")
    before = {waiting.complaint.id for waiting in service.waiting_for(city, limit=10_000)}  # the demo data's
    unstaffed = {file(region_code=UNSTAFFED).complaint.id for _ in range(2)}
    far = file(region_code="630103").complaint.id  # another province
    db.session.commit()
    listed = {waiting.complaint.id for waiting in service.waiting_for(city, limit=10_000)}
    assert before | unstaffed <= listed and far not in listed
    assert service.count_for(city) == len(listed)
    if db.session.get_bind().dialect.name != "postgresql":
        return
    # The query implies the partial index's predicate, so the planner may use it (at two million
    # complaints it must: otherwise every unassigned open case of the province is read, 950 ms).
    from sqlalchemy import func, select, text

    conditions, _staffed = service._conditions(city, clock.today())
    query = select(func.count()).select_from(Complaint).where(*conditions)
    compiled = query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("DROP INDEX ix_complaints_assignee_id"))  # a few rows: that one is as cheap; rolled back
    plan = "\n".join(db.session.scalars(text("EXPLAIN " + str(compiled).replace("%%", "%"))))
    assert "ix_complaints_unassigned" in plan, plan
