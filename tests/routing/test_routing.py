"""转办 and 移送 kept apart: a complaint is transferred (转办) to another office or department; an
enforcement matter or a suspected crime is referred (移送) — a suspected crime to the police with a
copy to the procuratorate, never to the procuratorate alone; no destination is a kind of training."""
from flask_babel import force_locale

from portal.accounts.models import Role
from portal.casework.models import Complaint, Status
from portal.extensions import db
from portal.institutions.models import InstitutionKind as TrainingKind
from portal.routing.forms import Authority, Department
from tests.support.complaints import file, track
from tests.support.forms import hidden


def test_the_destinations(ctx):
    assert {"cyberspace", "science", "comprehensive", "fire"} <= {d.value for d in Department}
    assert "police" not in {d.value for d in Department} and "procuratorate" not in {d.value for d in Department}
    assert "procuratorate" not in {a.value for a in Authority}
    with force_locale("zh_CN"):
        departments = {str(d.label) for d in Department}
        kinds = {str(k.label) for k in TrainingKind}
        assert departments.isdisjoint(kinds), departments & kinds
        assert str(Department.SPORTS.label) == "体育部门" and str(Department.SCIENCE.label) == "科技部门"


def post(client, complaint_id, name, **fields):
    page = client.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    return client.post(f"/staff/cases/{complaint_id}/steps/{name}",
                       data={"csrf_token": hidden(page, "csrf_token"),
                             **{f"{name}-{key}": value for key, value in fields.items()}})


def filed(app):
    with app.app_context():
        result = file()
        db.session.commit()
        return result.complaint.id, result.receipt


def test_a_suspected_crime_goes_to_the_police_with_a_copy_to_the_procuratorate(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0901", lang="en")
    complaint_id, receipt = filed(app)
    page = handler.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    assert "Refer for enforcement (移送)" in page and "Transfer (转办)" in page
    response = post(handler, complaint_id, "refer", authority="police", destination="杭州市公安局西湖区分局",
                    procuratorate="", text="涉嫌非法集资，数额较大。")
    assert response.status_code == 422 and "name it" in response.get_data(as_text=True)
    response = post(handler, complaint_id, "refer", authority="police", destination="杭州市公安局西湖区分局",
                    procuratorate="西湖区人民检察院", text="涉嫌非法集资，数额较大。")
    assert response.status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.REFERRED
        assert complaint.transferred_to == ("公安机关（涉嫌犯罪，抄送人民检察院）：杭州市公安局西湖区分局"
                                            "（抄送：西湖区人民检察院）")
    reporter = app.test_client()
    track(reporter, receipt)
    page = reporter.get("/track/case?lang=zh_CN").get_data(as_text=True)
    assert "已移送" in page and "杭州市公安局西湖区分局" in page


def test_a_complaint_is_transferred_to_a_department_not_referred(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0902", lang="en")
    complaint_id, _ = filed(app)
    assert post(handler, complaint_id, "transfer", department="police", destination="x",
                text="y").status_code == 422  # the police is no 转办 destination
    assert post(handler, complaint_id, "transfer", department="fire", destination="西湖区消防救援大队",
                text="属消防安全问题，转消防部门处理。").status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.TRANSFERRED and complaint.transferred_to.startswith("消防救援机构：")
