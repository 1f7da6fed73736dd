"""Recusal (回避) beyond cases: a penalty disclosure, a blacklist entry and an identity request. A
recused officer is refused on the record's page and on every post; the declaration is audited on the
record and listed for the office; one a colleague records waits for a second person."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.blacklist.models import BlacklistEntry, BlacklistState
from portal.custody import service as custody
from portal.custody.models import IdentityRequest, RequestState
from portal.disclosures import service as disclosures
from portal.disclosures.models import Disclosure, DisclosureState
from portal.extensions import db
from portal.recusal import service as recusal
from portal.security import audit
from portal.workflow import Recused
from tests.support.accounts import staff_user
from tests.support.blacklist import post_step, propose_entry
from tests.support.complaints import file, named_identity
from tests.support.disclosures import draft_disclosure
from tests.support.forms import hidden, post_form

REASON = "本人配偶在被处罚机构任职"


def _user(app, client) -> User:
    return db.session.get(User, client.user_id)


def _declare_on_page(client, object_type: str, object_id: int, **fields):
    url = f"/staff/recusal/{object_type}/{object_id}?lang=en"
    return post_form(client, url, **{"reason": REASON, "person": "", **fields})


def _assert_listed(app, object_type: str, object_id: int, user_id: int, label: str, viewer) -> None:
    with app.app_context():
        [record] = [r for r in audit.for_object(object_type, object_id) if r.action == "recusal.declared"]
        assert (record.actor, record.reason) == (f"user:{user_id}", REASON)
    listing = viewer.get("/staff/recusals?lang=en").get_data(as_text=True)
    assert label in listing and REASON in listing


def test_a_recused_reviewer_cannot_review_a_disclosure(app, signed_in):
    reviewer = signed_in(Role.REVIEWER, "330106", certificate="浙杭审字0901", lang="en")
    with app.app_context():
        drafter = staff_user("rc.drafter", Role.HANDLER, "330106", "浙杭执字0901")
        disclosure = draft_disclosure(drafter, decision_number="杭西教罚〔2026〕971号")
        disclosures.submit(disclosure, drafter)
        db.session.commit()
        disclosure_id = disclosure.id
    url = f"/staff/disclosures/{disclosure_id}"
    assert "review-decision" in reviewer.get(url + "?lang=en").get_data(as_text=True)
    assert _declare_on_page(reviewer, "disclosure", disclosure_id).status_code == 302
    page = reviewer.get(url + "?lang=en").get_data(as_text=True)
    assert "you can no longer act on it" in page and "review-decision" not in page
    response = post_form(reviewer, url + "/review", url, **{"review-state": "in_review", "review-decision": "approve"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Disclosure, disclosure_id).state is DisclosureState.IN_REVIEW
    _assert_listed(app, "disclosure", disclosure_id, reviewer.user_id, "杭西教罚〔2026〕971号", reviewer)


def test_a_recused_handler_cannot_move_a_blacklist_entry_nor_record_an_objection(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0902", lang="en")
    with app.app_context():
        entry = propose_entry(_user(app, handler), name="西湖小太阳培训部")
        db.session.commit()
        entry_id = entry.id
    assert 'value="send_notice"' in handler.get(f"/staff/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert _declare_on_page(handler, "blacklist_entry", entry_id).status_code == 302
    page = handler.get(f"/staff/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert "you can no longer act on it" in page and 'value="send_notice"' not in page
    assert post_step(handler, entry_id, "send_notice").status_code == 409
    with app.app_context():
        entry = db.session.get(BlacklistEntry, entry_id)
        assert entry.state is BlacklistState.PROPOSED
        from portal.blacklist import objections
        entry.state = BlacklistState.LISTED  # listed meanwhile by colleagues
        with pytest.raises(Recused):
            objections.record(entry, _user(app, handler), entry.created_at.date(), "当事人提出异议")
        db.session.rollback()
    _assert_listed(app, "blacklist_entry", entry_id, handler.user_id, "西湖小太阳培训部", handler)


def test_a_recused_custodian_cannot_decide_an_identity_request(app, signed_in):
    custodian = signed_in(Role.CUSTODIAN, "330106", lang="en")
    with app.app_context():
        asker = staff_user("rc.asker", Role.HANDLER, "330106", "浙杭执字0903")
        complaint = file(identity=named_identity()).complaint
        request = custody.request_reveal(complaint, asker, "需要举报人作为证人接受询问")
        db.session.commit()
        request_id, number = request.id, complaint.case_number
    url = f"/staff/identity-requests/{request_id}?lang=en"
    assert 'name="decision"' in custodian.get(url).get_data(as_text=True)
    assert _declare_on_page(custodian, "identity_request", request_id).status_code == 302
    page = custodian.get(url)
    assert page.status_code == 409 and 'name="decision"' not in page.get_data(as_text=True)
    assert "You stepped aside from this request" in page.get_data(as_text=True)
    token = hidden(custodian.get("/staff/identity-requests?lang=en").get_data(as_text=True), "csrf_token")
    assert custodian.post(url, data={"csrf_token": token, "decision": "approve"}).status_code == 409
    with app.app_context():
        assert db.session.get(IdentityRequest, request_id).state is RequestState.PENDING
    _assert_listed(app, "identity_request", request_id, custodian.user_id, f"{number}/{request_id}", custodian)


def test_a_declaration_on_the_case_bars_its_identity_requests_and_the_handlers_reveal(ctx):
    asker = staff_user("rc.asker2", Role.HANDLER, "330106", "浙杭执字0904")
    keeper = staff_user("rc.keeper", Role.CUSTODIAN, "330106")
    complaint = file(identity=named_identity()).complaint
    request = custody.request_reveal(complaint, asker, "需要举报人作为证人接受询问")
    recusal.declare(recusal.kind_of("complaint"), complaint, keeper, REASON)
    assert not custody.may_decide(complaint, request, keeper)
    with pytest.raises(custody.NotPermitted):
        custody.decide(request, keeper, True)
    recusal.declare(recusal.kind_of("complaint"), complaint, asker, "本人与被举报机构负责人系亲属")
    assert not custody.may_request(complaint, asker)


def test_a_colleagues_declaration_holds_only_once_a_second_person_confirms_it(app, signed_in):
    recorder = signed_in(Role.ADMIN, "330106", lang="en")
    third = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0905", lang="en")
    with app.app_context():
        named = staff_user("rc.named", Role.REVIEWER, "330106", "浙杭审字0905", display_name="钱审核")
        drafter = staff_user("rc.drafter2", Role.HANDLER, "330106", "浙杭执字0906")
        disclosure = draft_disclosure(drafter, decision_number="杭西教罚〔2026〕972号")
        disclosures.submit(disclosure, drafter)
        db.session.commit()
        disclosure_id, named_id = disclosure.id, named.id
    response = _declare_on_page(recorder, "disclosure", disclosure_id, person=str(named_id))
    assert response.status_code == 302
    with app.app_context():
        named, disclosure = db.session.get(User, named_id), db.session.get(Disclosure, disclosure_id)
        found = db.session.scalar(select(recusal.Declaration).where(recusal.Declaration.user_id == named_id))
        assert not found.in_force and disclosures.STEPS.may(named, disclosure, "approve")  # not yet
        assert [r.action for r in audit.for_object("disclosure", disclosure_id)][-1] == "recusal.proposed"
        declaration_id = found.id
    listing = recorder.get("/staff/recusals?lang=en").get_data(as_text=True)
    assert "waiting for a second person" in listing and f"/recusals/{declaration_id}/confirm" not in listing
    token = hidden(listing, "csrf_token")
    refused = recorder.post(f"/staff/recusals/{declaration_id}/confirm", data={"csrf_token": token, "state": "waiting"})
    assert refused.status_code == 409  # the recorder is not the second person
    listing = third.get("/staff/recusals?lang=en").get_data(as_text=True)
    assert f"/recusals/{declaration_id}/confirm" in listing
    response = third.post(f"/staff/recusals/{declaration_id}/confirm",
                          data={"csrf_token": hidden(listing, "csrf_token"), "state": "waiting"})
    assert response.status_code == 302
    with app.app_context():
        named, disclosure = db.session.get(User, named_id), db.session.get(Disclosure, disclosure_id)
        assert not disclosures.STEPS.may(named, disclosure, "approve")
        record = audit.for_object("disclosure", disclosure_id)[-1]
        assert (record.action, record.actor) == ("recusal.confirmed", f"user:{third.user_id}")
    other = signed_in(Role.HANDLER, "630103", certificate="青宁执字0907", lang="en")
    assert "杭西教罚〔2026〕972号" not in other.get("/staff/recusals?lang=en").get_data(as_text=True)
    assert other.get(f"/staff/recusal/disclosure/{disclosure_id}").status_code == 404


def test_the_person_named_cannot_confirm_their_own_and_the_database_refuses_it(ctx):
    recorder = staff_user("rc.rec", Role.ADMIN, "330106")
    named = staff_user("rc.named2", Role.HANDLER, "330106", "浙杭执字0908")
    complaint = file().complaint
    found = recusal.declare(recusal.kind_of("complaint"), complaint, recorder, REASON, person=named)
    for person in (recorder, named):
        with pytest.raises(recusal.SecondPersonRequired):
            recusal.confirm(found, person)
    with pytest.raises(recusal.AlreadyDeclared):
        recusal.declare(recusal.kind_of("complaint"), complaint, named, "再次声明")
    found.confirmed_by_id, found.confirmed_at = named.id, complaint.created_at
    with pytest.raises(Exception, match="confirmer_is_a_third|CHECK constraint"):
        db.session.flush()
