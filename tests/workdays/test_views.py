"""Administrators enter next year's holiday schedule through the back office."""
import datetime as dt

from portal.accounts.models import Role
from portal.casework import deadlines
from portal.casework.deadlines import RULES
from portal.extensions import db
from portal.security import audit
from tests.support.forms import hidden

SCHEDULE = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n"


def test_admin_enters_a_year_and_its_deadlines_stop_being_provisional(app, signed_in):
    client = signed_in(Role.ADMIN, "330000")
    page = client.get("/staff/holidays?lang=zh_CN").get_data(as_text=True)
    assert "2026" in page and "chinesecalendar" in page
    response = client.post("/staff/holidays", data={"csrf_token": hidden(page, "csrf_token"),
                                                    "year": "2027", "source": "国务院办公厅通知（测试）",
                                                    "rows": SCHEDULE})
    assert response.status_code == 302
    with app.app_context():
        due = deadlines.add_period(dt.date(2026, 12, 20), RULES["acceptance"])
        assert due == deadlines.Due(dt.date(2027, 1, 4), provisional=False)
        assert [e.action for e in audit.for_object("calendar_year", 2027)] == ["holidays.entered"]


def test_a_bad_line_is_shown_and_nothing_entered(app, signed_in):
    client = signed_in(Role.ADMIN, "330000")
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
