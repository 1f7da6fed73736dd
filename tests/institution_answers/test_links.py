"""The one-time link's life: sent through the outbox to the registered contact, stored only as a
keyed hash, opening the facts without the parent, audited on every visit, closed by its answer, by
a newer link or by time; another case's token finds nothing."""
import datetime as dt

from sqlalchemy import select, update

from portal.accounts.models import Role
from portal.casework.models import Category
from portal.extensions import db
from portal.institution_answers.models import AnswerLink, InstitutionAnswer
from portal.security.audit import AuditRecord
from tests.support import complaints
from tests.support.forms import post_form
from tests.support.institution_answers import CONTACT_MOBILE, FACTS, dispute, link_path, sent_messages
from tests.support.pages import visible_text


def _send(staff, complaint_id: int, channel: str = "sms", facts: str = FACTS):
    url = f"/staff/cases/{complaint_id}/institution-link"
    return post_form(staff, url, channel=channel, facts=facts)


def _sent_link(app, signed_in, **options) -> tuple:
    case = dispute(app, **options)
    staff = signed_in(Role.HANDLER, "330106", lang="en")
    response = _send(staff, case.complaint_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return case, staff, link_path(sent_messages(app)[-1])


def _audited(app, complaint_id: int, action: str) -> list[AuditRecord]:
    with app.app_context():
        return list(db.session.scalars(select(AuditRecord).where(
            AuditRecord.object_type == "complaint", AuditRecord.object_id == str(complaint_id),
            AuditRecord.action == action).order_by(AuditRecord.id)))


def test_the_link_goes_to_the_registered_mobile_and_only_its_keyed_hash_is_kept(app, signed_in):
    case, _staff, path = _sent_link(app, signed_in)
    [message] = sent_messages(app)
    assert message["to"] == CONTACT_MOBILE and message["template"] == "institution_link"
    assert message["params"]["case_number"] == case.case_number
    token = path.rsplit("/", 1)[1]
    assert path == f"/institution-answers/{case.case_number}/{token}" and len(token) >= 40
    with app.app_context():
        stored = complaints.all_stored_values(db.session.connection())
    assert not any(token.encode() in value for value in stored)
    [sent] = _audited(app, case.complaint_id, "institution_answer.link_sent")
    assert token not in sent.after and "link" in sent.after


def test_the_page_shows_the_facts_without_the_parent_and_every_visit_is_audited(app, signed_in, client):
    case, _staff, path = _sent_link(app, signed_in)
    for _ in range(2):
        response = client.get(path + "?lang=en")
        assert response.status_code == 200
    page = visible_text(response.get_data(as_text=True))
    assert FACTS in page and case.case_number in page and "Not shared with the institution" in page
    for detail in (complaints.MARKER_NAME, complaints.MARKER_PHONE, complaints.MARKER_EMAIL):
        assert detail not in page
    visits = _audited(app, case.complaint_id, "institution_answer.link_visited")
    assert len(visits) == 2 and all('"state":"open"' in visit.after.replace(" ", "") for visit in visits)
    token = path.rsplit("/", 1)[1]
    assert all(token not in visit.after and token not in visit.actor for visit in visits)


def test_another_cases_token_or_a_made_up_one_finds_nothing(app, signed_in, client):
    case, _staff, path = _sent_link(app, signed_in)
    other = dispute(app)
    token = path.rsplit("/", 1)[1]
    assert client.get(f"/institution-answers/{other.case_number}/{token}").status_code == 404
    assert client.get(f"/institution-answers/{case.case_number}/{token[:-2]}xx").status_code == 404
    assert client.get(path).status_code == 200


def test_an_expired_link_no_longer_opens_the_form(app, signed_in, client):
    case, _staff, path = _sent_link(app, signed_in)
    with app.app_context():
        link = db.session.scalar(select(AnswerLink).where(AnswerLink.complaint_id == case.complaint_id))
        assert dt.timedelta(days=6, hours=23) < link.expires_at - link.created_at <= dt.timedelta(days=7)
        db.session.execute(update(AnswerLink).where(AnswerLink.id == link.id)
                           .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
        db.session.commit()
    response = client.get(path + "?lang=en")
    assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)
    assert "position" not in response.get_data(as_text=True)
    refused = post_form(client, path, "/track", position="我们同意退费。", refund="no")
    assert refused.status_code == 410
    with app.app_context():
        assert db.session.scalar(select(InstitutionAnswer.id).where(
            InstitutionAnswer.complaint_id == case.complaint_id)) is None
    states = [visit.after for visit in _audited(app, case.complaint_id, "institution_answer.link_visited")]
    assert states and all("expired" in state for state in states)


def test_one_answer_per_link_and_a_new_link_closes_the_old(app, signed_in, client):
    case, staff, path = _sent_link(app, signed_in)
    answered = post_form(client, path + "?lang=en", path, position="我们认为合同约定不退费，但愿意协商。", refund="no")
    assert answered.status_code == 200 and "Answer received" in answered.get_data(as_text=True)
    again = client.get(path + "?lang=en")
    assert again.status_code == 410 and "already answered" in again.get_data(as_text=True)
    assert _send(staff, case.complaint_id).status_code == 302
    newer = link_path(sent_messages(app)[-1])
    assert newer != path and client.get(newer).status_code == 200
    assert _send(staff, case.complaint_id).status_code == 302
    replaced = client.get(newer + "?lang=en")
    assert replaced.status_code == 410 and "newer link" in replaced.get_data(as_text=True)


def test_links_go_only_on_a_dispute_of_the_office_to_an_institution_with_a_contact(app, signed_in):
    staff = signed_in(Role.HANDLER, "330106", lang="en")
    violation = dispute(app, category=Category.UNLICENSED)
    assert _send(staff, violation.complaint_id).status_code == 409
    elsewhere = dispute(app, region="330102")
    assert _send(staff, elsewhere.complaint_id).status_code == 404
    no_mobile = dispute(app, mobile="")
    response = _send(staff, no_mobile.complaint_id)
    assert response.status_code == 422 and "no registered contact mobile number" in response.get_data(as_text=True)
    assert sent_messages(app) == []


def test_visits_are_limited_per_client(app, signed_in, client):
    _case, _staff, path = _sent_link(app, signed_in)
    app.config["LIMIT_INSTITUTION_LINK"] = "2 per minute"
    try:
        statuses = [client.get(path).status_code for _ in range(3)]
    finally:
        app.config["LIMIT_INSTITUTION_LINK"] = "30 per hour;100 per day"
    assert statuses == [200, 200, 429]


def test_the_facts_draft_leaves_out_numbers_that_identify_the_parent():
    from portal.institution_answers.service import facts_draft

    text = f"我的电话{complaints.MARKER_PHONE}，身份证{complaints.MARKER_ID}，合同号20260901123，预交12000元。"
    assert facts_draft(text) == "我的电话***，身份证***，合同号***，预交12000元。"
