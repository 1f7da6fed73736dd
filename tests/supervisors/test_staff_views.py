"""The staff's pages and the public lists, through the client."""
import datetime as dt
import re

from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role
from portal.casework.models import Complaint, Source
from portal.extensions import db
from portal.observations.models import Observation
from portal.supervisors.models import Supervisor
from tests.support.accounts import signed_in_client
from tests.support.forms import post_form
from tests.support.supervisors import record_of, supervisor_client


def test_candidate_to_appointment_and_the_public_pages(app, client):
    admin = signed_in_client(app, "sv.admin", Role.ADMIN, "330100")
    response = post_form(admin, "/staff/supervisors/new?lang=en", "/staff/supervisors/new", name="赵公示",
                         organisation="某社区居委会", occupation="社工", region="330106", contact="13700001234")
    assert response.status_code == 302
    detail = response.headers["Location"]
    supervisor_id = int(detail.rsplit("/", 1)[1])
    response = post_form(admin, f"{detail}/publish?lang=en", detail, **{"publish-days": "3"})
    assert response.status_code == 422  # under 5 days
    assert post_form(admin, f"{detail}/publish?lang=en", detail, **{"publish-days": "7"}).status_code == 302
    page = client.get("/supervisors/candidates?lang=en").get_data(as_text=True)
    assert "赵公示" in page and "13700001234" not in page and "How to object" in page
    with app.app_context():  # the objection period has passed
        supervisor = db.session.get(Supervisor, supervisor_id)
        supervisor.notice_start -= dt.timedelta(days=10)
        supervisor.notice_end -= dt.timedelta(days=10)
        db.session.commit()
    assert "赵公示" not in client.get("/supervisors/candidates").get_data(as_text=True)
    assert post_form(admin, f"{detail}/decide?lang=en", detail, **{"decide-outcome": "clear"}).status_code == 302
    start = clock_today(app)
    response = post_form(admin, f"{detail}/appoint?lang=en", detail, **{
        "appoint-term_start": start.isoformat(), "appoint-term_end": (start + dt.timedelta(days=365)).isoformat(),
        "appoint-certificate_number": "杭教监字〔2026〕第201号", "appoint-username": "zhao.gongshi"})
    assert response.status_code == 422 and any(text in response.get_data(as_text=True)
                                               for text in ("2 to 3 years", "任期为 2 至 3 年"))
    end = start.replace(year=start.year + 3) - dt.timedelta(days=1)
    response = post_form(admin, f"{detail}/appoint?lang=en", detail, **{
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
    supervisor = supervisor_client(app, "sv.patrol")
    user_id = supervisor.user_id
    record_id, photo_id = record_of(app, user_id, submit=True)
    handler = signed_in_client(app, "sv.handler", Role.HANDLER, "330106", "浙杭执字0301")
    page = handler.get("/staff/supervisors/inbox?lang=en").get_data(as_text=True)
    assert f"/staff/supervisors/submissions/{record_id}" in page and "asks for a case" in page
    url = f"/staff/supervisors/submissions/{record_id}"
    assert handler.get(f"{url}/photos/{photo_id}").status_code == 200
    assert post_form(handler, f"{url}?lang=en", url, reply="").status_code == 422
    assert post_form(handler, f"{url}?lang=en", url, reply="已安排执法人员上门核查。").status_code == 302
    assert post_form(handler, f"{url}?lang=en", url, reply="第二次").status_code == 409
    response = post_form(handler, f"{url}/case?lang=en", url, category="prepayment",
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
    user_id = supervisor_client(app, "sv.xihu").user_id
    record_id, photo_id = record_of(app, user_id, submit=True)
    with app.app_context():
        supervisor_id = db.session.scalar(select(Supervisor.id).where(Supervisor.user_id == user_id))
    outsider = signed_in_client(app, "sv.shangcheng", Role.HANDLER, "330102", "浙杭执字0302")
    for url in (f"/staff/supervisors/submissions/{record_id}",
                f"/staff/supervisors/submissions/{record_id}/photos/{photo_id}",
                f"/staff/supervisors/{supervisor_id}", f"/staff/supervisors/{supervisor_id}/duty"):
        assert outsider.get(url).status_code == 404, url
    assert f"/submissions/{record_id}" not in outsider.get("/staff/supervisors/inbox").get_data(as_text=True)


def test_the_inbox_and_the_list_do_not_query_per_row(app, count_queries):
    handler = signed_in_client(app, "sv.counter", Role.HANDLER, "330106", "浙杭执字0303")
    user_id = supervisor_client(app, "sv.busy").user_id
    record_of(app, user_id, submit=True)
    with count_queries() as few:
        assert handler.get("/staff/supervisors/inbox").status_code == 200
        assert handler.get("/staff/supervisors").status_code == 200
    for n in range(4):
        other = supervisor_client(app, f"sv.busy{n}").user_id
        record_of(app, other, submit=True)
    with count_queries() as many:
        handler.get("/staff/supervisors/inbox")
        handler.get("/staff/supervisors")
    assert many.count == few.count


def test_duty_record_and_assessment(app):
    supervisor = supervisor_client(app, "sv.duty")
    user_id = supervisor.user_id
    record_of(app, user_id, submit=True)
    page = supervisor.get("/supervisor/duty?lang=en").get_data(as_text=True)
    assert re.search(r"Submissions</dt><dd>1<", page)
    admin = signed_in_client(app, "sv.assessor", Role.ADMIN, "330106")
    with app.app_context():
        supervisor_id = db.session.scalar(select(Supervisor.id).where(Supervisor.user_id == user_id))
        year = clock.today().year
    detail = f"/staff/supervisors/{supervisor_id}"
    assert admin.get(f"{detail}/duty").status_code == 200
    response = post_form(admin, f"{detail}/assess?lang=en", detail,
                         **{"assess-year": str(year), "assess-result": "not_competent"})
    assert response.status_code == 422 and "not competent" in response.get_data(as_text=True).lower()
    response = post_form(admin, f"{detail}/assess?lang=en", detail,
                         **{"assess-year": str(year), "assess-result": "competent",
                            "assess-comment": "按时提交巡查记录。"})
    assert response.status_code == 302
    assert "按时提交巡查记录。" in admin.get(detail).get_data(as_text=True)
    handler = signed_in_client(app, "sv.readonly", Role.HANDLER, "330106", "浙杭执字0304")
    assert post_form(handler, f"{detail}/assess?lang=en", detail,
                     **{"assess-year": str(year), "assess-result": "excellent"}) \
        .status_code == 403
