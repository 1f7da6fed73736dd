"""The mediation pages: the intake choice and consent, the staff page's checks (422 with the input
kept, 404 for another county or a case that did not ask), the inbox's clocks, and the parent's
confirmation on the tracking page."""
import datetime as dt

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.casework.models import Category, Complaint
from portal.extensions import db
from portal.mediation import service
from portal.mediation.models import MediationCase, MediationSession, MediationState
from tests.support.accounts import staff_user
from tests.support.complaints import file, form_fields, named_identity, track
from tests.support.days import local_today
from tests.support.forms import csrf_token, open_form

NAMED = {"identity": "named", "name": "王小明", "phone": "13812345678"}


def _file_form(client, **overrides):
    data = {**open_form(client), **form_fields(**overrides)}
    return client.post("/complaints/new?lang=en", data=data)


def test_the_form_asks_for_mediation_only_on_a_dispute_and_with_a_name(app, client):
    with app.app_context():
        before = db.session.scalar(select(func.max(Complaint.id))) or 0
    wrong = _file_form(client, wish="mediation", **NAMED)  # category: unlicensed operation
    assert wrong.status_code == 422 and "Mediation is for a dispute" in wrong.get_data(as_text=True)
    anonymous = _file_form(client, wish="mediation", category="fees_refunds")
    assert anonymous.status_code == 422 and "Mediation needs your name" in anonymous.get_data(as_text=True)
    kept = anonymous.get_data(as_text=True)
    assert 'checked class="radios__input" id="wish-1" name="wish" type="radio" value="mediation"' in kept
    with app.app_context():
        assert db.session.scalar(select(func.max(Complaint.id))) == (before or None)
    done = _file_form(client, wish="mediation", category="fees_refunds", mediation_name_shared="y", **NAMED)
    assert done.status_code == 200 and "receipt__code" in done.get_data(as_text=True)
    other = _file_form(app.test_client(), category="fees_refunds", mediation_name_shared="y", **NAMED,
                       description="另一件事：机构收了材料费却没有发放教材，也不开收据，家长多次追问无果。")
    assert other.status_code == 200, other.status_code
    with app.app_context():
        rows = db.session.execute(select(Complaint.mediation_requested, Complaint.mediation_name_shared)
                                  .where(Complaint.id > before).order_by(Complaint.id)).all()
        assert [tuple(r) for r in rows] == [(True, True), (False, False)]  # no consent without mediation


def _dispute(app, region="330106"):
    with app.app_context():
        filed = file(received_on=local_today() - dt.timedelta(days=2), identity=named_identity(),
                     category=Category.FEES_REFUNDS, mediation=True, region_code=region)
        db.session.commit()
        return filed.complaint.id, filed.complaint.case_number, filed.receipt


def _post(client, url, prefix, **fields):
    token = csrf_token(client)
    return client.post(url, data={f"{prefix}-csrf_token": token, **{f"{prefix}-{k}": v for k, v in fields.items()}})


def test_the_staff_page_checks_each_step_and_keeps_the_input(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106")
    complaint_id, number, _receipt = _dispute(app)
    url = f"/staff/cases/{complaint_id}/mediation"
    assert handler.get(url + "?lang=en").status_code == 200
    inbox = handler.get(f"/staff/cases?q={number}&lang=zh_CN").get_data(as_text=True)
    assert "前决定是否调解" in inbox
    refused = _post(handler, url + "/decision", "decision", decision="decline", decided_on=str(local_today()))
    assert refused.status_code == 422 and "请说明不予调解的理由" in refused.get_data(as_text=True)
    assert _post(handler, url + "/session", "session", held_on=str(local_today())).status_code == 409
    assert _post(handler, url + "/decision", "decision", decision="take",
                 decided_on=str(local_today())).status_code == 302
    incomplete = _post(handler, url + "/session", "session", held_on=str(local_today()), form="phone",
                       participants="调解员、家长", parent_said="要求退费。")
    assert incomplete.status_code == 422 and "要求退费。" in incomplete.get_data(as_text=True)
    bad_amount = _post(handler, url + "/agreement", "agree", ended_on=str(local_today()), amount="一千",
                       pay_by=str(local_today()), how="cash")
    assert bad_amount.status_code == 422 and "一千" in bad_amount.get_data(as_text=True)
    early = _post(handler, url + "/end", "end", ended_on=str(local_today()), why="limit_passed", account="未达成")
    assert early.status_code == 422 and "调解期限尚未届满" in early.get_data(as_text=True)
    with app.app_context():
        record = db.session.scalars(select(MediationCase).where(MediationCase.complaint_id == complaint_id)).one()
        assert record.state is MediationState.MEDIATING and record.ended_on is None
        assert db.session.scalar(select(MediationSession.id).where(MediationSession.case_id == record.id)) is None
    inbox = handler.get(f"/staff/cases?q={number}&lang=zh_CN").get_data(as_text=True)
    assert "前结束调解" in inbox and "前决定是否调解" not in inbox


def test_another_county_and_a_case_without_mediation_answer_404(app, signed_in):
    complaint_id, _n, _r = _dispute(app)
    neighbour = signed_in(Role.HANDLER, "330105")
    assert neighbour.get(f"/staff/cases/{complaint_id}/mediation").status_code == 404
    assert _post(neighbour, f"/staff/cases/{complaint_id}/mediation/decision", "decision", decision="take",
                 decided_on=str(local_today())).status_code == 404
    with app.app_context():
        plain = file().complaint.id
        db.session.commit()
    assert signed_in(Role.HANDLER, "330106").get(f"/staff/cases/{plain}/mediation").status_code == 404


def test_the_parent_must_choose_and_then_confirms(app, client):
    complaint_id, _n, receipt = _dispute(app)
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        officer = staff_user("views.mediator", Role.HANDLER, "330106")
        record = service.decide(complaint, officer, True, local_today())
        from decimal import Decimal

        from portal.mediation.models import PaidHow
        service.agree(record, complaint, officer, local_today(), Decimal("500"), local_today(), PaidHow.CASH, "")
        db.session.commit()
    page = track(client, receipt)
    assert "调解达成协议" in page.get_data(as_text=True) or page.status_code == 302
    token = csrf_token(client, "/track/case")
    empty = client.post("/track/mediation/payment", data={"payment-csrf_token": token})
    assert empty.status_code == 422 and "请选择款项是否到账" in empty.get_data(as_text=True)
    done = client.post("/track/mediation/payment", data={"payment-csrf_token": token, "payment-arrived": "not_arrived"})
    assert done.status_code == 302
    with app.app_context():
        record = db.session.scalars(select(MediationCase).where(MediationCase.complaint_id == complaint_id)).one()
        assert record.state is MediationState.REOPENED and record.broken_count == 1
    again = client.post("/track/mediation/payment", data={"payment-csrf_token": token, "payment-arrived": "arrived"})
    assert again.status_code == 302  # out of date: nothing changes
    with app.app_context():
        assert db.session.get(MediationCase, record.id).state is MediationState.REOPENED


def test_the_institution_page_counts_refunds_with_small_counts_protected(app, client):
    from decimal import Decimal

    from portal.mediation.models import PaidHow
    from tests.support import institutions as factories

    with app.app_context():
        institution = factories.institution(name="退费测试培训学校")
        complaint = file(received_on=local_today() - dt.timedelta(days=3), identity=named_identity(),
                         category=Category.FEES_REFUNDS, mediation=True, institution_id=institution.id,
                         institution_name="", institution_address="").complaint
        officer = staff_user("refunds.mediator", Role.HANDLER, "330106")
        record = service.decide(complaint, officer, True, local_today())
        service.agree(record, complaint, officer, local_today(), Decimal("800"), local_today(), PaidHow.CASH, "")
        service.confirm_payment(record, complaint, True)
        db.session.commit()
        institution_id = institution.id
    page = client.get(f"/institutions/{institution_id}?lang=en").get_data(as_text=True)
    assert "Refund disputes whose mediation ended in the last year" in page
    assert page.count("&lt;5") >= 2 and "Agreements it did not keep" in page
