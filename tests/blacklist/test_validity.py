"""A listing's validity period: set when listing is asked for, shown to staff and the public; once
it has run out the entry is due for review, listed for staff, and a reviewer other than the proposer
keeps it (a new last day) or removes it, with the reasons, on the workflow engine and audited."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import clock, workflow
from portal.accounts.models import Role
from portal.blacklist import history, service
from portal.blacklist.models import BlacklistState as B
from portal.extensions import db
from portal.security.audit import for_object
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.blacklist import propose_entry
from tests.support.forms import post_form


@pytest.fixture
def people(ctx):
    return {"handler": user("va.handler", Role.HANDLER), "reviewer": user("va.reviewer", Role.REVIEWER, "330100"),
            "far": user("va.far", Role.HANDLER, "630104")}


def listed(people, valid_until: dt.date | None, **overrides):
    handler = people["handler"]
    entry = propose_entry(handler, **overrides)
    service.take(entry, "send_notice", handler, defence_until=clock.today() + dt.timedelta(days=1))
    entry.defence_until = clock.today() - dt.timedelta(days=1)
    service.take(entry, "request_listing", handler, valid_until=valid_until)
    service.take(entry, "approve_listing", people["reviewer"])
    return entry


def test_the_validity_is_set_when_listing_is_requested(people):
    today = clock.today()
    entry = listed(people, today + dt.timedelta(days=365))
    assert entry.state is B.LISTED and entry.valid_until == today + dt.timedelta(days=365)
    assert not service.due_for_review(entry, today)
    assert "keep_listing" not in service.allowed_steps(entry, people["reviewer"], today)
    with pytest.raises(service.NotDueForReview):
        service.take(entry, "keep_listing", people["reviewer"], "仍未整改", valid_until=today + dt.timedelta(days=9))
    other = propose_entry(people["handler"], name="不设期限培训点", uscc=None)
    service.take(other, "send_notice", people["handler"], defence_until=today + dt.timedelta(days=1))
    other.defence_until = today - dt.timedelta(days=1)
    with pytest.raises(service.InvalidEntry):
        service.take(other, "request_listing", people["handler"], valid_until=today)
    service.take(other, "request_listing", people["handler"])
    assert other.valid_until is None  # no validity period: never due


def test_due_entries_are_listed_and_kept_with_a_new_last_day(people):
    today = clock.today()
    entry = listed(people, today + dt.timedelta(days=30))
    entry.valid_until = today  # the day has come
    db.session.flush()
    assert service.due_for_review(entry, today)
    assert entry.id in [e.id for e in db.session.scalars(service.due_in_jurisdiction(people["handler"], today))]
    assert entry.id not in [e.id for e in db.session.scalars(service.due_in_jurisdiction(people["far"], today))]
    assert "keep_listing" not in service.allowed_steps(entry, people["handler"], today)  # reviewers decide
    with pytest.raises(workflow.ReasonRequired):
        service.take(entry, "keep_listing", people["reviewer"], "", valid_until=today + dt.timedelta(days=180))
    with pytest.raises(service.InvalidEntry):
        service.take(entry, "keep_listing", people["reviewer"], "仍未取得许可")
    service.take(entry, "keep_listing", people["reviewer"], "仍未取得许可", valid_until=today + dt.timedelta(days=180))
    assert entry.state is B.LISTED and entry.valid_until == today + dt.timedelta(days=180)
    assert history.kind(service.history(entry)[-1]) is history.KEPT
    record = [r for r in for_object("blacklist_entry", entry.id) if r.action == "blacklist.keep_listing"][0]
    assert record.reason == "仍未取得许可" and str(today + dt.timedelta(days=180)) in record.after


def test_a_due_entry_is_removed_with_its_reasons(people):
    today = clock.today()
    entry = listed(people, today + dt.timedelta(days=30), name="到期移出培训点", uscc=None)
    service.take(entry, "mark_rectifying", people["handler"])
    entry.valid_until = today - dt.timedelta(days=3)
    service.take(entry, "remove_expired", people["reviewer"], "有效期届满，已整改到位")
    assert entry.state is B.REMOVED and entry.removed_on == today
    assert entry.removal_reason == "有效期届满，已整改到位"
    assert history.kind(service.history(entry)[-1]) is history.REMOVED_AT_REVIEW
    assert not service.due_for_review(entry, today)


def test_the_proposer_may_not_decide_the_review(people):
    today = clock.today()
    proposer = user("va.proposer", Role.REVIEWER, "330100")
    proposer.role = Role.HANDLER
    entry = listed(dict(people, handler=proposer), today + dt.timedelta(days=5), name="本人提议培训点", uscc=None)
    proposer.role = Role.REVIEWER  # moved to the legal office since
    entry.valid_until = today
    with pytest.raises(workflow.OwnWork):
        service.take(entry, "remove_expired", proposer, "到期")


def test_staff_pages_and_the_public_entry_show_the_validity(app):
    reviewer = signed_in_client(app, "va.page.reviewer", Role.REVIEWER, "330100", lang="en")
    with app.app_context():
        handler = user("va.page.handler", Role.HANDLER)
        people = {"handler": handler, "reviewer": user("va.page.r2", Role.REVIEWER, "330100")}
        entry = listed(people, clock.today() + dt.timedelta(days=10), name="页面到期培训点", uscc=None)
        entry.valid_until = clock.today()
        db.session.commit()
        entry_id, day = entry.id, entry.valid_until
    due_page = reviewer.get("/staff/blacklist/review-due").get_data(as_text=True)
    assert "页面到期培训点" in due_page
    assert "due for their validity review" in reviewer.get("/staff/blacklist").get_data(as_text=True) or \
        "due for its validity review" in reviewer.get("/staff/blacklist").get_data(as_text=True)
    url = f"/staff/blacklist/{entry_id}"
    page = reviewer.get(url).get_data(as_text=True)
    assert "Keep on the list" in page and "Remove from the list" in page and "due for review" in page
    response = post_form(reviewer, url + "/step", url, step="keep_listing", **{
        "keep_listing-state": "listed", "keep_listing-note": "仍在违规", "keep_listing-valid_until": ""})
    assert response.status_code == 422 and "Give a last day of validity after today." in response.get_data(as_text=True)
    later = (day + dt.timedelta(days=90)).isoformat()
    response = post_form(reviewer, url + "/step", url, step="keep_listing", **{
        "keep_listing-state": "listed", "keep_listing-note": "仍在违规", "keep_listing-valid_until": later})
    assert response.status_code == 302
    public = app.test_client().get(f"/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert "Valid until" in public and "Kept on the list at the validity review" in public
