"""Objections (异议) by a listed party after listing, answered in writing and kept with the entry."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import clock, workflow
from portal.accounts.models import Role, User
from portal.blacklist import objections
from portal.blacklist.models import BlacklistState
from portal.extensions import db
from portal.security.audit import for_object
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.blacklist import propose_entry
from tests.support.days import local_today
from tests.support.forms import post_form

LISTED_ON = dt.date(2026, 11, 2)


def _listed(proposer):
    entry = propose_entry(proposer)
    entry.state, entry.listed_on = BlacklistState.LISTED, LISTED_ON  # as if listed through the steps
    db.session.flush()
    return entry


@pytest.fixture
def people(ctx):
    return {"handler": user("ob.handler", Role.HANDLER), "reviewer": user("ob.reviewer", Role.REVIEWER, "330100"),
            "far": user("ob.far", Role.HANDLER, "630104")}


def test_an_objection_after_listing_is_recorded_and_answered_in_writing(people):
    entry = _listed(people["handler"])
    raised = objections.record(entry, people["handler"], dt.date(2026, 11, 10), "已取得办学许可证，不应列入。")
    with pytest.raises(objections.ObjectionInvalid):
        objections.answer(entry, raised, people["reviewer"], "  ")
    objections.answer(entry, raised, people["reviewer"], "经核查，许可证系列入后取得，维持列入，可申请移出。")
    assert raised.answered_on == clock.today() and raised.answered_by_id == people["reviewer"].id
    assert [r.action for r in for_object("blacklist_entry", entry.id)][-2:] == [
        "blacklist.objection_recorded", "blacklist.objection_answered"]
    with pytest.raises(workflow.StepNotAllowed):
        objections.answer(entry, raised, people["handler"], "again")  # answered once


def test_no_objection_before_listing_nor_dated_before_it_nor_from_another_jurisdiction(people):
    proposed = propose_entry(people["handler"], name="西湖另一培训部")
    with pytest.raises(workflow.StepNotAllowed):
        objections.record(proposed, people["handler"], clock.today(), "异议")
    entry = _listed(people["handler"])
    with pytest.raises(objections.ObjectionInvalid):
        objections.record(entry, people["handler"], LISTED_ON - dt.timedelta(days=1), "异议")
    with pytest.raises(workflow.StepNotAllowed):
        objections.record(entry, people["far"], clock.today(), "异议")
    assert objections.for_entry(entry) == []


def test_the_entry_page_records_and_answers_an_objection(app):
    client = signed_in_client(app, "ob.page", Role.HANDLER, "330106", lang="en")
    with app.app_context():
        entry_id = _listed(db.session.get(User, client.user_id)).id
        db.session.commit()
    url = f"/staff/blacklist/{entry_id}"
    assert "Record an objection" in client.get(url).get_data(as_text=True)
    response = post_form(client, url + "/objections", url, **{"objection-received_on": str(local_today()),
                                                            "objection-summary": ""})
    assert response.status_code == 422 and "Say what the party objects to." in response.get_data(as_text=True)
    response = post_form(client, url + "/objections", url, **{"objection-received_on": str(local_today()),
                                                            "objection-summary": "已整改完毕"})
    assert response.status_code == 302
    with app.app_context():
        from portal.blacklist.models import BlacklistEntry
        raised = objections.for_entry(db.session.get(BlacklistEntry, entry_id))[0]
    answer_url = f"{url}/objections/{raised.id}/answer"
    response = post_form(client, answer_url, url, **{f"answer{raised.id}-answer": "经复核，维持列入。"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "已整改完毕" in page and "经复核，维持列入。" in page and "Answered in writing on" in page
