"""The staff's pages and the public lists, through the client."""
import datetime as dt
import re

from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role
from portal.complaints.models import Complaint, Source
from portal.extensions import db
from portal.observations.models import Observation
from portal.supervisors.models import Supervisor
from tests.accounts.test_admin_views import make_account, sign_in
from tests.complaints.helpers import hidden
from tests.supervisors.test_workspace import record_of, supervisor_client


def staff_client(app, username, role, region, certificate=None):
    _id, secret = make_account(app, username, role, region, certificate)
    client = app.test_client()
    sign_in(client, username, secret)
    return client


def post(client, page_url, url, **fields):
    token = hidden(client.get(page_url).get_data(as_text=True), "csrf_token")
    return client.post(f"{url}?lang=en", data={"csrf_token": token, **fields})


def test_candidate_to_appointment_and_the_public_pages(app, client):
    admin = staff_client(app, "sv.admin", Role.ADMIN, "330100")
    response = post(admin, "/staff/supervisors/new", "/staff/supervisors/new", name="赵公示", organisation="某社区居委会",
                    occupation="社工", region="330106", contact="13700001234")
    assert response.status_code == 302
    detail = response.headers["Location"]
    supervisor_id = int(detail.rsplit("/", 1)[1])
    assert post(admin, detail, f"{detail}/publish", **{"publish-days": "3"}).status_code == 422  # under 5 days
    assert post(admin, detail, f"{detail}/publish", **{"publish-days": "7"}).status_code == 302
    page = client.get("/supervisors/candidates?lang=en").get_data(as_text=True)
    assert "赵公示" in page and "13700001234" not in page and "How to object" in page
    with app.app_context():  # the objection period has passed
        supervisor = db.session.get(Supervisor, supervisor_id)
        supervisor.notice_start -= dt.timedelta(days=10)
        supervisor.notice_end -= dt.timedelta(days=10)
        db.session.commit()
    assert "赵公示" not in client.get("/supervisors/candidates").get_data(as_text=True)
    assert post(admin, detail, f"{detail}/decide", **{"decide-outcome": "clear"}).status_code == 302
    start = clock_today(app)
    response = post(admin, detail, f"{detail}/appoint", **{
        "appoint-term_start": start.isoformat(), "appoint-term_end": (start + dt.timedelta(days=365)).isoformat(),
        "appoint-certificate_number": "杭教监字〔2026〕第201号", "appoint-username": "zhao.gongshi"})
    assert response.status_code == 422 and any(text in response.get_data(as_text=True) for text in ("2 to 3 years", "任期为 2 至 3 年"))
    end = start.replace(year=start.year + 3) - dt.timedelta(days=1)
    response = post(admin, detail, f"{detail}/appoint", **{
        "appoint-term_start": start.isoformat(), "appoint-term_end": end.isoformat(),
        "appoint-certificate_number": "杭教监字〔2026〕第201号", "appoint-username": "zhao.gongshi"})
    assert response.status_code == 200 and "zhao.gongshi" in response.get_data(as_text=True)
    page = client.get("/supervisors?lang=en").get_data(as_text=True)
    assert "赵公示" in page and "杭教监字〔2026〕第201号" in page
    page = client.get("/supervisors?certificate=杭教监字〔2026〕第201号&lang=en").get_data(as_text=True)
    assert "This certificate is valid today." in page
    page = client.get("/supervisors?certificate=杭教监字〔2026〕第999号&lang=en").get_data(as_text=True)
    assert "No supervisor in term today has this certificate number." in page
    page = admin.get(detail + "?lang=en").get_data(as_text=True)
    for words in ("Supervisor candidate added", "published for objections", "cleared for appointment",
                  "Supervisor appointed"):
        assert words in page


def clock_today(app):
    with app.app_context():
        return clock.today()


def test_inbox_reply_and_a_case_from_the_finding(app):
    supervisor, user_id = supervisor_client(app, "sv.patrol")
    record_id, photo_id = record_of(app, user_id, submit=True)
    handler = staff_client(app, "sv.handler", Role.HANDLER, "330106", "浙杭执字0301")
    page = handler.get("/staff/supervisors/inbox?lang=en").get_data(as_text=True)
    assert f"/staff/supervisors/submissions/{record_id}" in page and "asks for a case" in page
    url = f"/staff/supervisors/submissions/{record_id}"
    assert handler.get(f"{url}/photos/{photo_id}").status_code == 200
    assert post(handler, url, url, reply="").status_code == 422
    assert post(handler, url, url, reply="已安排执法人员上门核查。").status_code == 302
    assert post(handler, url, url, reply="第二次").status_code == 409
    response = post(handler, url, f"{url}/case", category="prepayment",
                    description="巡查发现该机构要求一次性预交两年学费，未纳入资金监管。")
    assert response.status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, db.session.get(Observation, record_id).complaint_id)
        assert complaint.source is Source.SUPERVISOR
        number = complaint.case_number
    assert number in handler.get("/staff/cases?lang=en").get_data(as_text=True)
    page = supervisor.get(f"/supervisor/submissions/{record_id}?lang=en").get_data(as_text=True)
    assert "已安排执法人员上门核查。" in page and number in page and "Registered" in page


def test_another_jurisdiction_finds_nothing(app):
    _s, user_id = supervisor_client(app, "sv.xihu")
    record_id, photo_id = record_of(app, user_id, submit=True)
    with app.app_context():
        supervisor_id = db.session.scalar(select(Supervisor.id).where(Supervisor.user_id == user_id))
    outsider = staff_client(app, "sv.shangcheng", Role.HANDLER, "330102", "浙杭执字0302")
    for url in (f"/staff/supervisors/submissions/{record_id}", f"/staff/supervisors/submissions/{record_id}/photos/{photo_id}",
                f"/staff/supervisors/{supervisor_id}", f"/staff/supervisors/{supervisor_id}/duty"):
        assert outsider.get(url).status_code == 404, url
    assert f"/submissions/{record_id}" not in outsider.get("/staff/supervisors/inbox").get_data(as_text=True)


def test_the_inbox_and_the_list_do_not_query_per_row(app, count_queries):
    handler = staff_client(app, "sv.counter", Role.HANDLER, "330106", "浙杭执字0303")
    _s, user_id = supervisor_client(app, "sv.busy")
    record_of(app, user_id, submit=True)
    with count_queries() as few:
        assert handler.get("/staff/supervisors/inbox").status_code == 200
        assert handler.get("/staff/supervisors").status_code == 200
    for n in range(4):
        _s, other = supervisor_client(app, f"sv.busy{n}")
        record_of(app, other, submit=True)
    with count_queries() as many:
        handler.get("/staff/supervisors/inbox")
        handler.get("/staff/supervisors")
    assert many.count == few.count


def test_duty_record_and_assessment(app):
    supervisor, user_id = supervisor_client(app, "sv.duty")
    record_of(app, user_id, submit=True)
    page = supervisor.get("/supervisor/duty?lang=en").get_data(as_text=True)
    assert re.search(r"Submissions</dt><dd>1<", page)
    admin = staff_client(app, "sv.assessor", Role.ADMIN, "330106")
    with app.app_context():
        supervisor_id = db.session.scalar(select(Supervisor.id).where(Supervisor.user_id == user_id))
        year = clock.today().year
    detail = f"/staff/supervisors/{supervisor_id}"
    assert admin.get(f"{detail}/duty").status_code == 200
    response = post(admin, detail, f"{detail}/assess", **{"assess-year": str(year), "assess-result": "not_competent"})
    assert response.status_code == 422 and "not competent" in response.get_data(as_text=True).lower()
    response = post(admin, detail, f"{detail}/assess", **{"assess-year": str(year), "assess-result": "competent",
                                                          "assess-comment": "按时提交巡查记录。"})
    assert response.status_code == 302
    assert "按时提交巡查记录。" in admin.get(detail).get_data(as_text=True)
    handler = staff_client(app, "sv.readonly", Role.HANDLER, "330106", "浙杭执字0304")
    assert post(handler, detail, f"{detail}/assess", **{"assess-year": str(year), "assess-result": "excellent"}) \
        .status_code == 403
