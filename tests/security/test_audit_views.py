"""The administrators' audit log: their jurisdiction only, filtered, paged, never naming a reporter."""
import datetime as dt
import pathlib
import re

import pytest
from sqlalchemy import select

from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.audit.service import Filters, browse
from portal.casework import service as casework
from portal.casework.models import Complaint, NotifyChannel
from portal.extensions import db
from portal.security import audit
from portal.security.audit import AuditHead, AuditRecord
from portal.security.audit_labels import ACTION_LABELS, action_label
from tests.support.complaints import MARKER_EMAIL, MARKER_ID, MARKER_NAME, MARKER_PHONE, file, named_identity

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Beijing
URL = "/staff/audit?lang=en"


@pytest.fixture
def admin(signed_in):
    """The administrator of Hangzhou (330100), signed in."""
    return signed_in(Role.ADMIN, "330100", username="hz.admin")


def make_case(app, region="330106", **overrides) -> tuple[int, str]:
    with app.app_context():
        complaint = file(region_code=region, **overrides).complaint
        db.session.commit()
        return complaint.id, complaint.case_number


def make_handler(app, username, region="330106") -> int:
    with app.app_context():
        user, _ = accounts.create_user(username, f"执法{username}", Role.HANDLER, region, f"执字{username}")
        db.session.commit()
        return user.id


def add_records(app, *records: tuple) -> None:
    """Append (actor, action, object_type, object_id, options) records and commit."""
    with app.app_context():
        for actor, action, object_type, object_id, options in records:
            audit.record(actor, action, object_type, object_id, **options)
        audit.sequence()
        db.session.commit()


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_admin_sees_only_records_about_the_jurisdiction(app, admin):
    inside_id, inside = make_case(app, "330106")
    _outside_id, outside = make_case(app, "630103")
    far = make_handler(app, "xn.handler", "630103")
    near = make_handler(app, "xh.handler", "330106")
    add_records(app, (f"user:{far}", "user.signed_in", "user", far, {}),
                (f"user:{near}", "user.signed_in", "user", near, {}),
                ("system", "holidays.entered", "calendar_year", 2099, {}))
    page = admin.get(URL).get_data(as_text=True)
    assert "xh.handler" in page and "xn.handler" not in page
    assert "2099" not in page
    page = admin.get(URL + "&actor=reporter").get_data(as_text=True)
    assert inside in page and outside not in page
    assert f'href="/staff/cases/{inside_id}"' in page


def test_the_jurisdiction_filter_matches_its_definition_on_every_record(app, admin):
    """The SQL filter agrees, record by record, with the rule written out in Python."""
    make_case(app, "630103")
    far = make_handler(app, "xn.handler", "630103")
    add_records(app, (f"user:{far}", "user.signed_in", "user", far, {}), ("system", "holidays.entered",
                                                                         "calendar_year", 2099, {}))
    with app.app_context():
        hz_admin = db.session.get(User, admin.user_id)
        regions = dict(db.session.execute(select(User.id, User.region_code)).all())
        places = dict(db.session.execute(select(Complaint.id, Complaint.region_code)).all())

        def inside(region_code):
            return region_code is not None and region_code.startswith("3301")

        def number(text):
            return int(text) if text.isdigit() else None

        expected = [r.id for r in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()))
                    if (r.object_type == "complaint" and inside(places.get(number(r.object_id))))
                    or (r.object_type == "user" and inside(regions.get(number(r.object_id))))
                    or (r.actor.startswith("user:") and inside(regions.get(number(r.actor[5:]))))]
        shown = [r.id for r in browse(hz_admin, Filters(), 1, 100_000).items]
        assert shown == expected
        total = db.session.query(AuditRecord).count()
        assert 0 < len(shown) < total


@pytest.mark.parametrize("role", [Role.HANDLER, Role.REVIEWER, Role.CUSTODIAN, Role.SUPERVISOR])
def test_other_roles_may_not_browse_the_log(signed_in, role):
    assert signed_in(role, "330100").get("/staff/audit").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_filters_by_action_actor_case_and_account(app, admin):
    first_id, first = make_case(app)
    second_id, second = make_case(app)
    handler = make_handler(app, "xh.handler")
    with app.app_context():
        casework.apply(db.session.get(Complaint, first_id), "accept", db.session.get(User, handler), "依法受理。",
                       now=NOW)
        db.session.commit()
    page = admin.get(URL + "&action=complaint.accept").get_data(as_text=True)
    assert first in page and second not in page
    assert all("Accepted" in row for row in rows(page))
    assert "Registered → Accepted" in page and "依法受理。" in page
    page = admin.get(URL + "&actor=xh.handler").get_data(as_text=True)
    # The acceptance, and the 受理告知书 it issued (portal/notices).
    assert len(rows(page)) == 2 and first in page and "执法xh.handler" in page and "Written notice issued" in page
    page = admin.get(URL + f"&about={second}").get_data(as_text=True)
    assert len(rows(page)) == 1 and second in page and "Complaint registered" in page
    assert f"Reporter (case {second})" in page
    page = admin.get(URL + "&about=user:xh.handler").get_data(as_text=True)
    assert len(rows(page)) == 1 and "Account created" in page
    page = admin.get(URL + "&about=user:hz.admin&action=user.signed_in").get_data(as_text=True)
    assert len(rows(page)) == 1 and "Signed in" in page


def test_dates_are_local_days(app, admin):
    complaint_id, number = make_case(app)
    late = dt.datetime(2026, 11, 21, 15, 30, tzinfo=dt.timezone.utc)  # 23:30 on the 21st in Beijing
    early = dt.datetime(2026, 11, 21, 16, 30, tzinfo=dt.timezone.utc)  # 00:30 on the 22nd in Beijing
    add_records(app, ("user:1", "complaint.note", "complaint", complaint_id, {"at": late, "reason": "LATE-21"}),
                ("user:1", "complaint.note", "complaint", complaint_id, {"at": early, "reason": "EARLY-22"}))
    page = admin.get(URL + f"&about={number}&date_from=2026-11-22&date_to=2026-11-22").get_data(as_text=True)
    assert "EARLY-22" in page and "LATE-21" not in page
    assert "12:30" in page  # shown in Beijing time
    page = admin.get(URL + f"&about={number}&date_to=2026-11-21").get_data(as_text=True)
    assert "LATE-21" in page and "EARLY-22" not in page
    page = admin.get(URL + f"&about={number}&date_from=2026-11-21").get_data(as_text=True)
    assert "LATE-21" in page and "EARLY-22" in page


@pytest.mark.parametrize(("query", "field", "message"), [
    ("date_from=2026-13-45", "date_from", "Enter the date as year-month-day"),
    ("date_from=2026-11-22&date_to=2026-11-01", "date_to", "cannot be before the start date"),
    ("date_to=9999-12-31", "date_to", "between 2000 and 2100"),
    ("date_from=0001-01-01", "date_from", "between 2000 and 2100"),
    ("action=complaint.explode", "action", "Choose an action from the list"),
    ("actor=nobody.here", "actor", "No account with this username in your jurisdiction"),
    # Another jurisdiction's account gets the same answer as none: the log says nothing about it.
    ("actor=xn.handler", "actor", "No account with this username in your jurisdiction"),
    ("about=hello", "about", "Give a case number such as"),
    ("about=630103-20261122-0001", "about", "No case with this number in your jurisdiction"),
    ("about=user:xn.handler", "about", "No account with this username in your jurisdiction"),
])
def test_invalid_filters_are_named_beside_their_field(app, admin, query, field, message):
    make_case(app, "630103")  # 630103-20261122-0001 may exist, but outside Hangzhou
    make_handler(app, "xn.handler", "630103")
    response = admin.get(URL + "&" + query)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    value = query.split(f"{field}=", 1)[1].split("&")[0]
    assert re.search(rf'id="{field}"[^>]*value="{re.escape(value)}"', page) or \
        re.search(rf'<option selected value="{re.escape(value)}"', page) or field == "action"
    assert "<tbody>" not in page and "<title>Error:" in page


def test_pages_of_twenty(app, admin):
    complaint_id, number = make_case(app)
    add_records(app, *[("user:1", "complaint.note", "complaint", complaint_id, {"reason": f"note {i:02d}"})
                       for i in range(25)])
    page = admin.get(URL + f"&about={number}").get_data(as_text=True)
    assert len(rows(page)) == 20 and "26 records" in page and "Page 1 of 2" in page
    assert "note 24" in page and "note 05" in page and "note 04" not in page  # newest first
    assert re.search(rf'rel="next" href="[^"]*about={number}[^"]*page=2', page)
    page = admin.get(URL + f"&about={number}&page=2").get_data(as_text=True)
    assert len(rows(page)) == 6 and "note 04" in page and "note 00" in page and "Complaint registered" in page


def test_a_page_costs_the_same_queries_for_one_record_or_twenty(app, admin, count_queries):
    one_id, one = make_case(app)
    many_id, many = make_case(app)
    handlers = [make_handler(app, f"hand{i:02d}") for i in range(20)]
    add_records(app, (f"user:{handlers[0]}", "complaint.assign", "complaint", one_id,
                      {"after": {"assignee": handlers[1]}}),
                *[(f"user:{handlers[i]}", "complaint.assign", "complaint", many_id,
                   {"after": {"assignee": handlers[-1 - i]}}) for i in range(20)])
    with count_queries() as few:
        page = admin.get(URL + f"&about={one}&action=complaint.assign").get_data(as_text=True)
    assert len(rows(page)) == 1
    with count_queries() as lots:
        page = admin.get(URL + f"&about={many}&action=complaint.assign").get_data(as_text=True)
    assert len(rows(page)) == 20 and "执法hand19" in page and "执法hand00" in page
    assert lots.count == few.count, lots.statements


def test_the_log_never_shows_who_reported(app, admin):
    complaint_id, number = make_case(app, identity=named_identity(),
                                     notify_channel=NotifyChannel.EMAIL, notify_contact=MARKER_EMAIL)
    add_records(app, ("user:1", "identity.viewed", "complaint", complaint_id,
                      {"after": {"name": MARKER_NAME, "phone": MARKER_PHONE, "id_number": MARKER_ID}}))
    page = admin.get(URL + f"&about={number}").get_data(as_text=True)
    assert f"Reporter (case {number})" in page and "Identity viewed" in page
    for marker in (MARKER_NAME, MARKER_PHONE, MARKER_ID, MARKER_EMAIL):
        assert marker not in page


def test_every_recorded_action_has_words():
    """Each action the portal records (literal, or a casework step) is in the one table of labels."""
    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in pathlib.Path(casework.__file__).parents[1].rglob("*.py"))
    actions = set(re.findall(r'audit\.record\([^,]+,\s*"([a-z_]+\.[a-z_]+)"', source))
    actions |= {f"complaint.{name}" for name in casework.TRANSITIONS}
    assert "user.signed_in" in actions and "complaint.registered" in actions
    assert actions <= set(ACTION_LABELS), actions - set(ACTION_LABELS)


def test_actions_in_words_and_unknown_ones_as_recorded(app):
    with app.test_request_context("/?lang=en"):
        assert action_label("complaint.accept") == "Accepted"
        assert action_label("something.new") == "something.new"


def test_the_page_counts_only_the_jurisdictions_records(app, admin):
    far = make_handler(app, "xn.handler", "630103")
    add_records(app, *[(f"user:{far}", "user.signed_in", "user", far, {}) for _ in range(3)])
    with app.app_context():
        visible = browse(db.session.get(User, admin.user_id), Filters(), 1, 1).total
        everything = db.session.get(AuditHead, 1).count
    assert 0 < visible < everything
    page = admin.get(URL).get_data(as_text=True)
    assert f"{visible} records concern your jurisdiction." in page
    assert f"{everything} record" not in page and "The chain holds" not in page


def test_the_log_names_each_account_with_its_role(app, admin):
    handler = make_handler(app, "role.handler")
    add_records(app, (f"user:{handler}", "user.signed_in", "user", handler, {}))
    page = admin.get(URL + "&actor=role.handler").get_data(as_text=True)
    assert len(rows(page)) == 1
    assert "执法role.handler" in rows(page)[0]
    assert "Enforcement officer (case handler) · role.handler" in rows(page)[0]
    assert f"user:{handler}" not in page
