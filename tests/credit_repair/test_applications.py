"""A penalised party applies online for credit repair (decision number, USCC, proof files through
the evidence pipeline), follows it with a receipt code, and reads the staff decision and reasons;
the record is kept and publication stops on approval."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from portal import clock
from portal.accounts.models import Role, User
from portal.credit_repair import applications
from portal.credit_repair import service as repair
from portal.credit_repair.models import ApplicationState, RepairProof
from portal.disclosures import demo, service
from portal.disclosures.models import Circumstance, Disclosure
from portal.disclosures.models import PenaltyCategory as P
from portal.extensions import db
from portal.security.attachments import clean
from tests.support import files
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.days import local_today
from tests.support.disclosures import draft_disclosure
from tests.support.forms import post_form, post_multipart

PARTY_USCC = demo._authority_uscc("330108")
NUMBER = "杭西教罚〔2026〕730号"


def _published(handler, reviewer, **overrides) -> Disclosure:
    values = dict(decision_number=NUMBER, circumstance=Circumstance.GENERAL, penalties=[P.WARNING],
                  fine_amount=None, months=6, uscc=PARTY_USCC, decision_date=clock.today() - dt.timedelta(days=120))
    values.update(overrides)
    disclosure = draft_disclosure(handler, **values)
    service.submit(disclosure, handler)
    service.review(disclosure, reviewer, True)
    return disclosure


@pytest.fixture
def people(ctx):
    return {"handler": user("ap.handler", Role.HANDLER), "reviewer": user("ap.reviewer", Role.REVIEWER, "330100")}


def test_an_application_finds_the_decision_keeps_cleaned_proofs_and_a_hashed_receipt(people):
    disclosure = _published(people["handler"], people["reviewer"])
    with pytest.raises(applications.DecisionNotFound):
        applications.apply(NUMBER, demo._authority_uscc("330110"), "已缴纳罚款", [])  # another party's code
    application, code = applications.apply(NUMBER, PARTY_USCC, "已缴纳罚款并退费",
                                           [clean(files.jpeg_with_gps(), "收据.jpg")])
    assert application.disclosure_id == disclosure.id and code not in application.receipt_digest
    assert applications.track(code) is application
    proof = db.session.query(RepairProof).one()
    assert proof.filename == "proof-1.jpg" and b"GPS" not in applications.open_proof(proof, people["handler"])
    with pytest.raises(applications.ApplicationPending):
        applications.apply(NUMBER, PARTY_USCC, "再次申请", [])


def test_the_staff_decision_closes_the_application_with_its_reasons(people):
    disclosure = _published(people["handler"], people["reviewer"])
    application, code = applications.apply(NUMBER, PARTY_USCC, "已履行", [])
    repair.record_repair(disclosure, people["handler"], clock.today(), True, "符合修复条件，准予提前结束公示",
                         performed=True, effects_removed=True, application=application)
    found = applications.track(code)
    assert found.outcome is ApplicationState.APPROVED and found.reasons == "符合修复条件，准予提前结束公示"
    assert disclosure.ended_early_on == clock.today() and db.session.get(Disclosure, disclosure.id) is not None


def test_the_party_applies_and_follows_the_decision_online(app, client):
    handler = signed_in_client(app, "ap.page", Role.HANDLER, "330106", lang="en")
    with app.app_context():
        disclosure_id = _published(db.session.get(User, handler.user_id),
                                   user("ap.page.reviewer", Role.REVIEWER, "330100")).id
        db.session.commit()
    fields = {"decision_number": NUMBER, "uscc": PARTY_USCC, "statement": ""}
    response = post_multipart(client, "/credit-repair/apply?lang=en", **fields)
    assert response.status_code == 422 and "Say how you performed the penalty" in response.get_data(as_text=True)
    response = post_multipart(client, "/credit-repair/apply?lang=en", **dict(
        fields, statement="罚款已缴清，学费已全部退还。",
        files=[(io.BytesIO(files.pdf_with_author()), "缴款凭证.pdf")]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your receipt code:" in page
    code = re.search(r"<strong>([0-9A-Z-]{19})</strong>", page).group(1)
    response = post_form(client, "/credit-repair/track?lang=en", code=code)
    assert "Received, waiting for the decision" in response.get_data(as_text=True)

    url = f"/staff/disclosures/{disclosure_id}/repair"
    page = handler.get(url).get_data(as_text=True)
    assert "罚款已缴清，学费已全部退还。" in page and "proof-1.pdf" in page
    proof_url = re.search(r'href="(/staff/disclosures/\d+/repair/proofs/\d+)"', page).group(1)
    assert handler.get(proof_url).headers["Content-Type"] == "application/pdf"
    assert client.get(proof_url).status_code == 302  # not for the public
    application_id = re.search(r'name="repair-application"[^>]*value="(\d+)"', page) or \
        re.search(r'value="(\d+)"[^>]*name="repair-application"', page)
    response = post_form(handler, url, **{"repair-state": "published", "repair-applied_on": str(local_today()),
                                          "repair-application": application_id.group(1), "repair-decision": "refuse",
                                          "repair-note": "未提供退费凭证"})
    assert response.status_code == 302
    response = post_form(client, "/credit-repair/track?lang=en", code=code)
    assert "Refused" in response.get_data(as_text=True) and "未提供退费凭证" in response.get_data(as_text=True)
