"""The workspace through the client: who gets in, term expiry, own records only, and the forms."""
import datetime as dt
import io
import re

from flask import url_for
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework.models import Complaint, Source
from portal.extensions import db
from portal.observations import service as observations
from portal.observations.models import Observation, ObservationPhoto
from portal.supervisors.models import Supervisor, SupervisorState
from tests.support import files
from tests.support import institutions as factories
from tests.support.accounts import make_account, sign_in
from tests.support.forms import hidden, post_multipart
from tests.support.supervisors import patrol, record_of, supervisor_client

# Every workspace route, and whether it takes one of the supervisor's records.
WORKSPACE = {
    "supervisor.dashboard": False, "supervisor.submissions": False, "supervisor.new": False,
    "supervisor.detail": True, "supervisor.edit": True, "supervisor.remove_photo": True,
    "supervisor.photo": True, "supervisor.duty_record": False, "supervisor.account": False,
}


def appointment(app, user_id) -> Supervisor:
    with app.app_context():
        return db.session.scalar(select(Supervisor).where(Supervisor.user_id == user_id))


def workspace_urls(app, values):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/supervisor/")]
    assert {rule.endpoint for rule in rules} == set(WORKSPACE)
    with app.test_request_context():
        return [(rule, url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments}))
                for rule in rules]


def fetch(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    token = hidden(client.get("/supervisor/account").get_data(as_text=True), "csrf_token") or ""
    return client.post(url, data={"csrf_token": token})


def test_who_may_open_each_workspace_route(app):
    owner = supervisor_client(app, "ws.owner")
    owner_id = owner.user_id
    other = supervisor_client(app, "ws.other")
    record_id, photo_id = record_of(app, owner_id)
    values = {"observation_id": record_id, "photo_id": photo_id, "kind": "patrol"}
    _h, handler_secret = make_account(app, "ws.handler", Role.HANDLER, "330106", "证7")
    staff = app.test_client()
    sign_in(staff, "ws.handler", handler_secret)
    anonymous = app.test_client()
    for rule, url in workspace_urls(app, values):
        response = anonymous.get(url) if "GET" in rule.methods else anonymous.post(url)
        assert response.status_code in (302, 400), url
        if response.status_code == 302:
            assert "/login?next=" in response.headers["Location"], url
        assert fetch(staff, rule, url).status_code == 403, url
        if WORKSPACE[rule.endpoint]:
            assert fetch(other, rule, url).status_code == 404, url
        if "GET" in rule.methods:
            assert fetch(owner, rule, url).status_code == 200, url


def test_a_supervisor_never_opens_the_back_office(app):
    client = supervisor_client(app, "ws.curious")
    for url in ("/staff/account", "/staff/cases", "/staff/supervisors", "/staff/supervisors/inbox"):
        assert client.get(url).status_code == 403, url


def test_the_end_of_the_term_ends_access_at_once(app):
    client = supervisor_client(app, "ws.expiring")
    user_id = client.user_id
    assert client.get("/supervisor/").status_code == 200
    with app.app_context():
        supervisor = db.session.scalar(select(Supervisor).where(Supervisor.user_id == user_id))
        supervisor.term_end = clock.today() - dt.timedelta(days=1)
        supervisor.term_start = supervisor.term_end - dt.timedelta(days=800)
        db.session.commit()
    response = client.get("/supervisor/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Signing in again is refused with a plain explanation.
    page = client.get("/login?lang=en").get_data(as_text=True)
    response = client.post("/login?lang=en", data={"csrf_token": hidden(page, "csrf_token"),
                                                    "username": "ws.expiring", "password": "运河 lantern-harbour 61"})
    assert response.status_code == 422
    assert "appointment as a social supervisor is not in force" in response.get_data(as_text=True)
    assert client.get("/login/code").status_code == 302  # no half-open sign-in either


def test_a_term_not_yet_begun_does_not_let_anyone_in(app):
    client = supervisor_client(app, "ws.early")
    user_id = client.user_id
    with app.app_context():
        supervisor = db.session.scalar(select(Supervisor).where(Supervisor.user_id == user_id))
        supervisor.term_start = clock.today() + dt.timedelta(days=1)
        db.session.commit()
    assert client.get("/supervisor/submissions").status_code == 302


def test_dismissal_ends_the_open_session(app):
    client = supervisor_client(app, "ws.dismissed")
    user_id = client.user_id
    _a, admin_secret = make_account(app, "ws.admin", Role.ADMIN, "330100")
    admin = app.test_client()
    sign_in(admin, "ws.admin", admin_secret)
    supervisor_id = appointment(app, user_id).id
    page = admin.get(f"/staff/supervisors/{supervisor_id}").get_data(as_text=True)
    response = admin.post(f"/staff/supervisors/{supervisor_id}/dismiss",
                          data={"csrf_token": hidden(page, "csrf_token"), "dismiss-reason": "一年未提交任何记录。"})
    assert response.status_code == 302
    assert client.get("/supervisor/").status_code == 302
    with app.app_context():
        assert not db.session.get(User, user_id).active
        assert db.session.get(Supervisor, supervisor_id).state is SupervisorState.DISMISSED


PATROL = {"not_listed": "y", "institution_name": "晨星学堂", "region": "330106", "observed_on": "2026-11-20",
          "observed_time": "18:30", "place": "文三路 8 号",
          "body": "前台张贴一次性缴费两年打八折的海报，未见监管账户。",
          **{f"check_{item}": "fine" for item in ("licensing", "premises", "advertising", "staff", "content")},
          "check_fees": "problem", "needs_case": "y"}
LEAD = {"not_listed": "y", "institution_name": "星火补习班", "region": "330106", "observed_on": "2026-11-21",
        "place": "古墩路 1 号", "category": "forbidden_times",
        "body": "周一至周五晚上九点半以后仍在给初中生上数学课，家长接送车辆排队。"}


def test_a_patrol_record_with_a_photo_is_drafted_then_sent(app):
    client = supervisor_client(app, "ws.writer")
    response = post_multipart(client, "/supervisor/new/patrol?lang=en", action="draft",
                              **{**PATROL, "body": "待补充", "place": ""},
                              photos=(io.BytesIO(files.jpeg_with_gps()), "IMG_1.jpg"))
    assert response.status_code == 302
    record_id = int(re.search(r"/submissions/(\d+)", response.headers["Location"]).group(1))
    with app.app_context():
        record = db.session.get(Observation, record_id)
        assert record.state.value == "draft" and record.submitted_at is None
        assert db.session.scalar(select(db.func.count()).select_from(ObservationPhoto)
                                 .where(ObservationPhoto.observation_id == record_id)) == 1
    # Sending needs everything: errors beside the fields, input kept, nothing changed.
    response = post_multipart(client, f"/supervisor/submissions/{record_id}/edit?lang=en", action="submit",
                              **{**PATROL, "place": "", "check_fees": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter where you were." in page and "晨星学堂" in page
    with app.app_context():
        assert db.session.get(Observation, record_id).state.value == "draft"
    response = post_multipart(client, f"/supervisor/submissions/{record_id}/edit?lang=en", action="submit", **PATROL)
    assert response.status_code == 302
    with app.app_context():
        record = db.session.get(Observation, record_id)
        assert record.state.value == "submitted" and record.needs_case and record.complaint_id is None
        assert record.checks[next(iter(record.checks))].value in ("fine", "problem")
    photo = client.get(f"/supervisor/submissions/{record_id}/photos/"
                       f"{record_of_photo(app, record_id)}")
    assert photo.status_code == 200 and photo.headers["Content-Disposition"].startswith("attachment")
    assert b"GPS" not in photo.data and photo.data.startswith(b"\xff\xd8")
    assert client.get(f"/supervisor/submissions/{record_id}/edit").status_code == 409


def record_of_photo(app, record_id):
    with app.app_context():
        return db.session.scalar(select(ObservationPhoto.id).where(ObservationPhoto.observation_id == record_id))


def test_a_lead_is_filed_as_a_case_the_supervisor_follows(app):
    client = supervisor_client(app, "ws.lead")
    response = post_multipart(client, "/supervisor/new/lead?lang=en", action="submit", not_listed="y",
                              institution_name="星火补习班", region="330106", observed_on="2026-11-21",
                              place="古墩路 1 号", category="forbidden_times",
                              body="周一至周五晚上九点半以后仍在给初中生上数学课，家长接送车辆排队。")
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    number = re.search(r"\d{6}-\d{8}-\d{4}", page).group(0)
    assert "Registered" in page and "Decision on acceptance due" in page
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.case_number == number))
        assert complaint.source is Source.SUPERVISOR and complaint.institution_name == "星火补习班"


def test_the_list_shows_only_ones_own(app):
    mine = supervisor_client(app, "ws.mine")
    mine_id = mine.user_id
    theirs_id = supervisor_client(app, "ws.theirs").user_id
    record_of(app, theirs_id, submit=True)
    own_id, _ = record_of(app, mine_id, submit=True)
    page = mine.get("/supervisor/submissions").get_data(as_text=True)
    links = set(re.findall(r"/supervisor/submissions/(\d+)", page))
    assert links == {str(own_id)}


def test_a_photo_comes_off_a_draft_but_not_off_a_sent_record(app):
    client = supervisor_client(app, "ws.photos")
    user_id = client.user_id
    draft_id, draft_photo = record_of(app, user_id)
    sent_id, sent_photo = record_of(app, user_id, submit=True)
    token = hidden(client.get(f"/supervisor/submissions/{draft_id}/edit").get_data(as_text=True), "csrf_token")
    response = client.post(f"/supervisor/submissions/{draft_id}/photos/{draft_photo}/remove",
                           data={"csrf_token": token})
    assert response.status_code == 302
    assert client.post(f"/supervisor/submissions/{sent_id}/photos/{sent_photo}/remove",
                       data={"csrf_token": token}).status_code == 409
    with app.app_context():
        remaining = set(db.session.scalars(select(ObservationPhoto.id)))
    assert draft_photo not in remaining and sent_photo in remaining


def test_a_supervisor_files_only_within_the_appointing_citys_area(app):
    """Staff scoping follows a record's place, so a place outside the supervisor's city would push the
    record into another jurisdiction's inbox: refused beside the field, input kept, nothing stored."""
    client = supervisor_client(app, "ws.area")
    user_id = client.user_id
    with app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(Observation))
        cases_before = db.session.scalar(select(db.func.count()).select_from(Complaint))
    for kind, fields in (("patrol", PATROL), ("lead", LEAD)):
        for action in ("draft", "submit"):
            response = post_multipart(client, f"/supervisor/new/{kind}?lang=en", action=action,
                                      **{**fields, "region": "630104"})
            page = response.get_data(as_text=True)
            assert response.status_code == 422, (kind, action)
            field = page.split('id="region-error"')[1].split("</p>")[0]
            assert "Chengxi District" in field and "outside your area" in field and "Hangzhou City" in field
            assert fields["body"] in page and fields["institution_name"] in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Observation)) == before
        assert db.session.scalar(select(db.func.count()).select_from(Complaint)) == cases_before
    # The service refuses it too, whatever the form says.
    with app.app_context():
        supervisor = db.session.scalar(select(Supervisor).where(Supervisor.user_id == user_id))
        try:
            patrol(supervisor, region_code="630104")
        except observations.OutsideArea as exc:
            assert exc.args[0] == "630104"
        else:
            raise AssertionError("a record outside the area was stored")
        db.session.rollback()
    # Inside the area it goes through; 西湖区 (also a district of Nanchang) means Hangzhou's here.
    for region in ("330106", "西湖区"):
        response = post_multipart(client, "/supervisor/new/lead?lang=en", action="submit", **{**LEAD, "region": region})
        assert response.status_code == 302, region
        record_id = int(re.search(r"/submissions/(\d+)", response.headers["Location"]).group(1))
        with app.app_context():
            record = db.session.get(Observation, record_id)
            assert record.region_code == "330106"
            assert db.session.get(Complaint, record.complaint_id).region_code == "330106"


def test_a_registered_institution_of_another_city_is_refused_beside_the_institution(app):
    client = supervisor_client(app, "ws.area.inst")
    with app.app_context():
        elsewhere = factories.institution(name="城西区远方培训学校", region_code="630104", address="西宁市城西区1号")
        db.session.commit()
        elsewhere_id = elsewhere.id
    fields = {key: value for key, value in LEAD.items() if key not in ("not_listed", "institution_name", "region")}
    response = post_multipart(client, "/supervisor/new/lead?lang=en", action="submit",
                              institution_id=str(elsewhere_id), institution_query="城西区远方培训学校", **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    field = page.split('id="institution_query-error"')[1].split("</p>")[0]
    assert "outside your area" in field and "Hangzhou City" in field
    assert 'value="城西区远方培训学校"' in page
    with app.app_context():
        assert db.session.scalar(select(Observation).where(Observation.institution_id == elsewhere_id)) is None
