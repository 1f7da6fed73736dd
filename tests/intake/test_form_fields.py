"""The complaint form's place field and reporter fields: candidates to choose from without a
script, the county taken from a registered institution, and no named answer kept when anonymous."""
import logging

import pytest
from sqlalchemy import select

from portal.casework.models import Complaint
from portal.extensions import db
from portal.institutions.models import Institution
from tests.support.complaints import (
    MARKER_EMAIL,
    MARKER_ID,
    MARKER_NAME,
    MARKER_PHONE,
    all_stored_values,
    form_fields,
)
from tests.support.forms import open_form


def post(client, tokens=None, lang="zh_CN", **overrides):
    data = {**(tokens or open_form(client)), **form_fields(**overrides)}
    return client.post(f"/complaints/new?lang={lang}", data=data, content_type="multipart/form-data")


def latest(app) -> Complaint:
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).order_by(Complaint.id.desc())).first()
        db.session.expunge(complaint)
        return complaint


@pytest.mark.parametrize(("lang", "legend"),
                         [("zh_CN", "匹配的地区：请选择一个"), ("en", "Places that match: choose one")])
def test_the_forms_own_example_lists_the_places_to_choose_from(client, app, lang, legend):
    tokens = open_form(client)
    response = post(client, tokens, lang=lang, region="西湖区")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and legend in page
    assert 'name="region_choice" value="330106"' in page  # Hangzhou's Xihu District among them
    choices = page.count('name="region_choice"')
    assert choices >= 2
    assert post(client, tokens, region="西湖区", region_choice="330106").status_code == 200
    assert latest(app).region_code == "330106"


def test_a_registered_institution_brings_its_county(client, app):
    with app.app_context():
        institution = db.session.scalars(select(Institution).where(Institution.region_code == "330106")
                                         .order_by(Institution.id)).first()
        ident, name = institution.id, institution.name
    page = client.get(f"/complaints/new?institution={ident}&lang=zh_CN").get_data(as_text=True)
    assert 'name="region"' in page and "西湖区" in page.split('name="region"', 1)[1].split(">", 1)[0]
    response = post(client, not_listed=None, institution_name=None, institution_address=None,
                    institution_id=str(ident), institution_query=name, region="", description="太短")
    assert response.status_code == 422
    field = response.get_data(as_text=True).split('id="region"', 1)[1].split(">", 1)[0]
    assert "西湖区" in field  # shown back as the place, ready to correct


def test_anonymous_report_stores_and_echoes_no_named_answer(client, app, caplog):
    caplog.set_level(logging.DEBUG)
    named = dict(name=MARKER_NAME, phone=MARKER_PHONE, email=MARKER_EMAIL, id_number=MARKER_ID, notify_by="email")
    tokens = open_form(client)
    returned = post(client, tokens, identity="anonymous", description="太短", **named)
    page = returned.get_data(as_text=True)
    assert returned.status_code == 422
    for marker in (MARKER_NAME, MARKER_PHONE, MARKER_EMAIL, MARKER_ID):
        assert marker not in page, f"{marker} was sent back to the page"
    assert post(client, tokens, identity="anonymous", **named).status_code == 200
    complaint = latest(app)
    assert complaint.anonymous and complaint.reporter_sealed is None and complaint.notify_contact_encrypted is None
    with app.app_context():
        stored = all_stored_values(db.session.connection())
    for marker in (MARKER_NAME, MARKER_PHONE, MARKER_EMAIL, MARKER_ID):
        assert not any(marker.encode() in value for value in stored)
        assert marker not in caplog.text
