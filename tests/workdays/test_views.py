"""Administrators enter next year's holiday schedule through the back office."""
import datetime as dt

import chinese_calendar
import pytest

from portal.accounts.models import Role
from portal.casework import deadlines
from portal.casework import service as casework
from portal.extensions import db
from portal.security import audit
from portal.workdays import service
from tests.support.accounts import staff_user
from tests.support.complaints import file
from tests.support.forms import hidden
from tests.support.pages import visible_text

SCHEDULE = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n"


def test_admin_enters_a_year_and_its_deadlines_stop_being_provisional(app, signed_in):
    client = signed_in(Role.ADMIN, "000000")
    page = client.get("/staff/holidays?lang=zh_CN").get_data(as_text=True)
    assert "2026" in page and "chinesecalendar" in page
    response = client.post("/staff/holidays", data={"csrf_token": hidden(page, "csrf_token"),
                                                    "year": "2027", "source": "国务院办公厅通知（测试）",
                                                    "rows": SCHEDULE})
    assert response.status_code == 302 and "/staff/holidays/moved/" in response.location
    with app.app_context():
        due = deadlines.add_period(dt.date(2026, 12, 20), deadlines.rule("acceptance", "330106"))
        assert due == deadlines.Due(dt.date(2027, 1, 4), provisional=False)
        assert [e.action for e in audit.for_object("calendar_year", 2027)] == ["holidays.entered",
                                                                             "holidays.recomputed"]


def test_after_entering_a_year_the_page_lists_the_deadlines_it_moved(app, signed_in):
    with app.app_context():  # a case accepted on Friday 29 January 2027: its reply is due on 30 March
        handler = staff_user("hv.handler", Role.HANDLER, "330106", "浙杭执字0701")
        complaint = file(received_on=dt.date(2027, 1, 20)).complaint
        casework.apply(complaint, "accept", handler, now=dt.datetime(2027, 1, 29, 2, 0, tzinfo=dt.timezone.utc))
        complaint_id = complaint.id
        db.session.commit()
    client = signed_in(Role.ADMIN, "000000")
    page = client.get("/staff/holidays").get_data(as_text=True)
    response = client.post("/staff/holidays?lang=zh_CN", follow_redirects=True, data={
        "csrf_token": hidden(page, "csrf_token"), "year": "2027", "source": "通知（测试）",
        "rows": SCHEDULE + "2027-03-30,holiday,测试\n"})
    text = visible_text(response.get_data(as_text=True))
    assert response.status_code == 200 and "已录入" in text
    assert f"案件 {complaint_id}：书面答复期限由 2027年3月30日 改为 2027年3月31日" in text
    english = visible_text(client.get(response.request.path + "?lang=en").get_data(as_text=True))
    assert f"Case {complaint_id}: Written reply due, from Mar 30, 2027 to Mar 31, 2027" in english


def test_a_year_that_moves_nothing_says_so(signed_in):
    client = signed_in(Role.ADMIN, "000000")
    page = client.get("/staff/holidays").get_data(as_text=True)
    response = client.post("/staff/holidays?lang=en", follow_redirects=True, data={
        "csrf_token": hidden(page, "csrf_token"), "year": "2026", "source": "notice",
        "rows": "\n".join(f"{day},holiday,x" for day in sorted(chinese_calendar.holidays) if day.year == 2026)
        + "\n" + "\n".join(f"{day},workday,x" for day in sorted(chinese_calendar.workdays) if day.year == 2026)})
    assert "No stored deadline moved" in visible_text(response.get_data(as_text=True))


def test_a_bad_line_is_shown_and_nothing_entered(app, signed_in):
    client = signed_in(Role.ADMIN, "000000")
    page = client.get("/staff/holidays").get_data(as_text=True)
    response = client.post("/staff/holidays?lang=en", data={"csrf_token": hidden(page, "csrf_token"),
                                                            "year": "2027", "source": "notice",
                                                            "rows": "2027-02-30,holiday,x"})
    assert response.status_code == 422 and "2027-02-30" in response.get_data(as_text=True)
    with app.app_context():
        from portal.workdays.models import CalendarYear

        assert db.session.get(CalendarYear, 2027) is None


def test_only_administrators_enter_schedules(signed_in):
    client = signed_in(Role.HANDLER, "330106", certificate="浙杭执字1")
    assert client.get("/staff/holidays").status_code == 403


def test_a_city_administrator_may_not_change_the_national_schedule(signed_in):
    client = signed_in(Role.ADMIN, "330100")
    assert client.get("/staff/holidays").status_code == 403


def test_a_province_administrator_may_not_change_the_national_schedule(signed_in, app):
    """Holidays are national (the State Council's schedule): a Zhejiang administrator neither sees
    the form nor enters a year for everyone; only a national administrator or the command line."""
    client = signed_in(Role.ADMIN, "330000")
    assert client.get("/staff/holidays").status_code == 403
    assert client.get("/staff/holidays/moved/1").status_code == 403
    assert signed_in(Role.ADMIN, "000000").get("/staff/holidays").status_code == 200
    with app.app_context():
        with pytest.raises(service.ScheduleNotYours):
            service.check_may_enter("330000")
        service.check_may_enter("000000")
