"""The institution's answer form: a proposed refund needs its amount, day and way, each refused beside
its field with the input kept and nothing stored; a valid answer with a document reaches staff (who
download the document) and the parent (the position and the proposal, not the document)."""
import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import func, select

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.institution_answers.models import AnswerDocument, AnswerLink, InstitutionAnswer
from tests.support import complaints, files
from tests.support.forms import hidden, post_form
from tests.support.institution_answers import FACTS, dispute, link_path, sent_messages
from tests.support.pages import visible_text


def _link(app, signed_in):
    case = dispute(app)
    staff = signed_in(Role.HANDLER, "330106", lang="en")
    response = post_form(staff, f"/staff/cases/{case.complaint_id}/institution-link", channel="sms", facts=FACTS)
    assert response.status_code == 302
    return case, staff, link_path(sent_messages(app)[-1])


def _today(app) -> dt.date:
    with app.app_context():
        return clock.today()


def _stored(app, complaint_id: int) -> list[InstitutionAnswer]:
    with app.app_context():
        return list(db.session.scalars(select(InstitutionAnswer).where(InstitutionAnswer.complaint_id == complaint_id)))


def test_a_proposed_refund_needs_amount_day_and_way(app, signed_in, client):
    case, _staff, path = _link(app, signed_in)
    response = post_form(client, path + "?lang=en", path, position="愿意退还部分费用。", refund="yes",
                         amount="", refund_on="", how="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Give the amount you propose to refund.", "Give the day the money will be paid by.",
                    "Say how the money will be paid."):
        assert message in page
    assert "愿意退还部分费用。" in page
    yesterday = _today(app) - dt.timedelta(days=1)
    response = post_form(client, path + "?lang=en", path, position="愿意退还部分费用。", refund="yes",
                         amount="八千", refund_on=yesterday.isoformat(), how="原路退回")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an amount in yuan" in page and "The day cannot be in the past." in page
    assert 'value="八千"' in page and 'value="原路退回"' in page
    response = post_form(client, path + "?lang=en", path, position="", refund="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write your institution&#39;s position" in page or "Write your institution's position" in page
    assert "Say whether you propose a refund." in page
    assert _stored(app, case.complaint_id) == []
    with app.app_context():
        link = db.session.scalar(select(AnswerLink).where(AnswerLink.complaint_id == case.complaint_id))
        assert link.answered_at is None


def test_a_refused_file_is_named_and_a_good_one_is_kept_for_the_correction(app, signed_in, client):
    case, staff, path = _link(app, signed_in)
    page = client.get(path + "?lang=en").get_data(as_text=True)
    response = client.post(path + "?lang=en", data={
        "csrf_token": hidden(page, "csrf_token"), "position": "", "refund": "no",
        "files": [(io.BytesIO(files.pdf_with_author()), "合同.pdf"), (io.BytesIO(files.executable()), "virus.pdf")]},
        content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "virus.pdf" in text and "合同.pdf" in text  # kept, by its name
    response = client.post(path + "?lang=en", data={
        "csrf_token": hidden(page, "csrf_token"), "position": "附合同一份。", "refund": "no"},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:1500]
    [stored] = _stored(app, case.complaint_id)
    assert stored.refund_amount is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AnswerDocument)
                                 .where(AnswerDocument.answer_id == stored.id)) == 1


def test_staff_and_the_parent_see_the_answer(app, signed_in, client):
    case, staff, path = _link(app, signed_in)
    page = client.get(path).get_data(as_text=True)
    day = _today(app) + dt.timedelta(days=20)
    response = client.post(path + "?lang=en", data={
        "csrf_token": hidden(page, "csrf_token"), "position": "同意按剩余课时退费。", "refund": "yes",
        "amount": "¥6,800.50", "refund_on": day.isoformat(), "how": "原路退回至付款账户",
        "files": [(io.BytesIO(files.pdf_with_author()), "退费计算表.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 200
    [stored] = _stored(app, case.complaint_id)
    assert stored.refund_amount == Decimal("6800.50") and stored.refund_how == "原路退回至付款账户"
    case_page = staff.get(f"/staff/cases/{case.complaint_id}").get_data(as_text=True)
    assert "同意按剩余课时退费。" in case_page and "6,800.50" in case_page
    document_url = case_page.split("/institution-answers/documents/")[1].split('"')[0]
    download = staff.get(f"/staff/cases/{case.complaint_id}/institution-answers/documents/{document_url}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    other = signed_in(Role.HANDLER, "330102")
    assert other.get(f"/staff/cases/{case.complaint_id}/institution-answers/documents/{document_url}") \
        .status_code == 404
    parent = app.test_client()
    tracked = complaints.track(parent, case.receipt, lang="en")
    if tracked.status_code == 302:
        tracked = parent.get(tracked.headers["Location"])
    text = visible_text(tracked.get_data(as_text=True))
    assert "The institution's answer" in text and "同意按剩余课时退费。" in text and "6,800.50" in text
    assert "退费计算表" not in text and "institution-1.pdf" not in text


def test_the_institution_sees_the_parents_name_only_when_the_parent_agreed(app, signed_in, client):
    name = complaints.named_identity().name
    for shared in (False, True):
        case = dispute(app, name_shared=shared)
        staff = signed_in(Role.HANDLER, "330106", lang="en")
        assert post_form(staff, f"/staff/cases/{case.complaint_id}/institution-link", channel="sms",
                         facts=FACTS).status_code == 302
        page = visible_text(client.get(link_path(sent_messages(app)[-1]) + "?lang=en").get_data(as_text=True))
        assert (name in page) is shared
        assert ("Not shared with the institution" in page) is not shared
