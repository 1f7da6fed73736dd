"""The staff pages: the list by state, a proposal with errors beside the fields, steps through
the pages (a refused one explained on the page), removal after review, and another
jurisdiction's entries answering 404."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.accounts.models import Role
from portal.blacklist import service
from portal.blacklist.models import BlacklistEntry
from portal.blacklist.models import BlacklistState as B
from portal.extensions import db
from portal.institutions.models import Institution
from tests.support.accounts import signed_in_client
from tests.support.blacklist import entry_data, post_step
from tests.support.forms import hidden


@pytest.fixture
def staff(app):
    handler = signed_in_client(app, "st.handler", Role.HANDLER, "330106")
    reviewer = signed_in_client(app, "st.reviewer", Role.REVIEWER, "330100")
    far = signed_in_client(app, "st.far", Role.HANDLER, "630104")
    return {"handler": handler, "handler_id": handler.user_id, "reviewer": reviewer, "far": far}


def listed_entry(app, name="西湖鹭鸣培训部") -> int:
    with app.app_context():
        entry = service.add_listed(entry_data(name=name, listed_on=dt.date(2026, 3, 1)), "测试批次")
        db.session.commit()
        return entry.id


def test_another_jurisdictions_entry_is_not_found(app, staff):
    entry_id = listed_entry(app)
    assert staff["far"].get(f"/staff/blacklist/{entry_id}").status_code == 404
    token = hidden(staff["far"].get("/staff/blacklist").get_data(as_text=True), "csrf_token") or \
        hidden(staff["far"].get("/staff/account").get_data(as_text=True), "csrf_token")
    response = staff["far"].post(f"/staff/blacklist/{entry_id}/step", data={
        "csrf_token": token, "step": "request_removal", "request_removal-state": "listed",
        "request_removal-note": "越权"})
    assert response.status_code == 404
    listing = staff["far"].get("/staff/blacklist").get_data(as_text=True)
    assert "西湖鹭鸣培训部" not in listing
    assert "西湖鹭鸣培训部" in staff["handler"].get("/staff/blacklist?state=listed").get_data(as_text=True)


def test_a_removal_goes_through_review_and_shows_in_the_history(app, staff):
    entry_id = listed_entry(app)
    missing = post_step(staff["handler"], entry_id, "request_removal", note="")
    assert missing.status_code == 422 and "Give the reason." in missing.get_data(as_text=True)
    asked = post_step(staff["handler"], entry_id, "request_removal", note="已取得办学许可证，复查合格。")
    assert asked.status_code == 302
    approved = post_step(staff["reviewer"], entry_id, "approve_removal")
    assert approved.status_code == 302
    page = staff["reviewer"].get(f"/staff/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert "Removal requested" in page and "Removed after review" in page and "st.handler" in page
    assert "Blacklist removal approved" in page  # the audit trail
    public = app.test_client().get(f"/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert "Removed from the blacklist on" in public and "已取得办学许可证，复查合格。" in public


def test_a_refused_step_is_explained_on_the_page(app, staff):
    entry_id = listed_entry(app)
    post_step(staff["handler"], entry_id, "request_removal", note="整改完成")
    # The handler cannot approve; the page says why instead of a bare error.
    response = post_step(staff["handler"], entry_id, "approve_removal")
    assert response.status_code == 409
    assert "This step is not possible on this entry now, or not for your role." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(BlacklistEntry, entry_id).state is B.REMOVAL_REQUESTED


def test_the_proposer_turned_reviewer_is_told_someone_else_must_decide(app, staff):
    entry_id = listed_entry(app)
    post_step(staff["handler"], entry_id, "request_removal", note="整改完成")
    with app.app_context():
        from portal.accounts.models import User
        db.session.get(User, staff["handler_id"]).role = Role.REVIEWER
        db.session.commit()
    page = staff["handler"].get(f"/staff/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert "another reviewer must decide it" in page and "Approve the removal" not in page
    response = post_step(staff["handler"], entry_id, "approve_removal")
    assert response.status_code == 409 and "another reviewer must decide it" in response.get_data(as_text=True)


def proposal_form(client):
    page = client.get("/staff/blacklist/new").get_data(as_text=True)
    return {"csrf_token": hidden(page, "csrf_token"), "region": "330106", "training_type": "subject",
            "reason": "unlicensed", "facts": "无证开展学科类培训。", "authority_name": "杭州市西湖区教育局"}


def test_a_proposal_with_errors_keeps_the_input_and_stores_nothing(app, staff):
    data = proposal_form(staff["handler"]) | {"name": "西湖无名辅导点", "uscc": "913301069458073056"}
    response = staff["handler"].post("/staff/blacklist/new?lang=en", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "This is not a valid unified social credit code" in page
    assert 'value="西湖无名辅导点"' in page
    data["uscc"] = ""
    page = staff["handler"].post("/staff/blacklist/new?lang=en", data=data).get_data(as_text=True)
    assert "Give the address of an operator without a unified social credit code." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BlacklistEntry)
                                 .where(BlacklistEntry.name == "西湖无名辅导点")) == 0


def test_a_proposal_from_the_registry_then_the_notice(app, staff):
    with app.app_context():
        institution = db.session.scalar(select(Institution).where(Institution.region_code == "330106",
                                                                  Institution.uscc.is_not(None))
                                        .order_by(Institution.id).limit(1))
        uscc, name = institution.uscc, institution.name
        until = clock.today() + dt.timedelta(days=9)
    data = proposal_form(staff["handler"]) | {"institution": uscc}
    response = staff["handler"].post("/staff/blacklist/new", data=data)
    assert response.status_code == 302
    entry_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        entry = db.session.get(BlacklistEntry, entry_id)
        assert (entry.name, entry.uscc, entry.state) == (name, uscc, B.PROPOSED)
    again = staff["handler"].post("/staff/blacklist/new?lang=en", data=proposal_form(staff["handler"]) | {
        "institution": uscc})
    assert again.status_code == 422 and f"(entry {entry_id})" in again.get_data(as_text=True)
    assert post_step(staff["handler"], entry_id, "send_notice", defence_until=until.isoformat()).status_code == 302
    page = staff["handler"].get(f"/staff/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert "listing can be requested after it" in page and "Request the listing" not in page
    assert app.test_client().get(f"/blacklist/{entry_id}").status_code == 404  # not public yet


def test_the_list_counts_entries_by_state(app, staff):
    listed_entry(app)
    page = staff["handler"].get("/staff/blacklist?lang=en").get_data(as_text=True)
    counts = dict(re.findall(r'state=(\w+)"[^>]*>[^<]+<span class="count">(\d+)</span>', page))
    assert int(counts["listed"]) >= 1 and set(counts) == {s.value for s in B}
