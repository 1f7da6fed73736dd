"""The blacklist procedure: the transition table, refused steps, reviewer ≠ proposer, the
defence period, removal after review, the history and the audit trail."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal import clock, workflow
from portal.accounts.models import Role
from portal.blacklist import history, service
from portal.blacklist.models import BlacklistEntry, BlacklistEvent
from portal.blacklist.models import BlacklistState as B
from portal.extensions import db
from portal.search import grams
from portal.security.audit import for_object
from tests.support.accounts import staff_user as user
from tests.support.blacklist import entry_data, propose_entry

USCC = "913301069458073055"


@pytest.fixture
def people(ctx):
    return {"handler": user("bl.handler", Role.HANDLER), "reviewer": user("bl.reviewer", Role.REVIEWER, "330100"),
            "reviewer2": user("bl.reviewer2", Role.REVIEWER, "330100"),
            "far_handler": user("bl.far", Role.HANDLER, "630104"),
            "far_reviewer": user("bl.far.reviewer", Role.REVIEWER, "630100")}


def listed(people, **overrides) -> BlacklistEntry:
    handler = people["handler"]
    entry = propose_entry(handler, **overrides)
    service.take(entry, "send_notice", handler, defence_until=clock.today() + dt.timedelta(days=1))
    entry.defence_until = clock.today() - dt.timedelta(days=1)  # the defence is over
    service.take(entry, "request_listing", handler)
    service.take(entry, "approve_listing", people["reviewer"])
    return entry


def states(entry) -> list[tuple]:
    events = db.session.scalars(select(BlacklistEvent).where(BlacklistEvent.entry_id == entry.id)
                                .order_by(BlacklistEvent.id))
    return [(e.from_state, e.to_state) for e in events]


def test_the_whole_procedure_writes_every_step_and_an_audit_record(people):
    handler, reviewer = people["handler"], people["reviewer"]
    entry = listed(people)
    assert entry.state is B.LISTED and entry.listed_on == clock.today()
    service.take(entry, "mark_rectifying", handler)
    service.take(entry, "request_removal", handler, "已取得办学许可证，整改到位。")
    service.take(entry, "approve_removal", reviewer)
    assert entry.state is B.REMOVED and entry.removed_on == clock.today()
    assert entry.removal_reason == "已取得办学许可证，整改到位。"
    assert states(entry) == [(None, B.PROPOSED), (B.PROPOSED, B.NOTICE), (B.NOTICE, B.LISTING_REVIEW),
                             (B.LISTING_REVIEW, B.LISTED), (B.LISTED, B.RECTIFYING),
                             (B.RECTIFYING, B.REMOVAL_REQUESTED), (B.REMOVAL_REQUESTED, B.REMOVED)]
    actions = [r.action for r in for_object("blacklist_entry", entry.id)]
    assert actions == ["blacklist.proposed", "blacklist.send_notice", "blacklist.request_listing",
                       "blacklist.approve_listing", "blacklist.mark_rectifying", "blacklist.request_removal",
                       "blacklist.approve_removal"]
    assert db.session.get(BlacklistEntry, entry.id) is not None  # never deleted


def test_notice_sets_five_working_days_by_default_or_the_date_given(people):
    handler = people["handler"]
    entry = propose_entry(handler)
    service.take(entry, "send_notice", handler, now=dt.datetime(2026, 9, 27, 2, tzinfo=dt.timezone.utc))
    # Sunday 27 September 2026: the National Day holiday lies within (10-01…10-07 off, 10-10 worked).
    assert entry.defence_until == dt.date(2026, 10, 9)
    other = propose_entry(handler, name="西湖另一培训部")
    with pytest.raises(service.InvalidEntry):
        service.take(other, "send_notice", handler, defence_until=clock.today())
    assert other.state is B.PROPOSED
    service.take(other, "send_notice", handler, defence_until=clock.today() + dt.timedelta(days=10))
    assert other.defence_until == clock.today() + dt.timedelta(days=10)


def test_the_defence_period_is_a_local_rule_not_the_penalty_law(people, app):
    assert service.defence_period().days == 5 and "行政处罚法" not in service.defence_period().basis
    saved = {key: app.config[key] for key in ("BLACKLIST_DEFENCE_DAYS", "BLACKLIST_DEFENCE_BASIS")}
    app.config.update(BLACKLIST_DEFENCE_DAYS=10, BLACKLIST_DEFENCE_BASIS="某省社会信用条例 第二十条")
    try:
        assert service.defence_period().basis == "某省社会信用条例 第二十条"
        # Monday 2026-11-02 + 10 working days → Monday 2026-11-16.
        assert service.default_defence_until(dt.date(2026, 11, 2)) == dt.date(2026, 11, 16)
    finally:
        app.config.update(saved)


def test_listing_is_requested_only_after_the_defence(people):
    handler = people["handler"]
    entry = propose_entry(handler)
    service.take(entry, "send_notice", handler, defence_until=clock.today() + dt.timedelta(days=3))
    assert "request_listing" not in service.allowed_steps(entry, handler)
    with pytest.raises(service.DefenceNotOver):
        service.take(entry, "request_listing", handler)
    assert entry.state is B.NOTICE
    entry.defence_until = clock.today() - dt.timedelta(days=1)
    assert "request_listing" in service.allowed_steps(entry, handler)


def test_the_proposer_cannot_approve_even_as_a_reviewer(people):
    handler = people["handler"]
    entry = propose_entry(handler)
    service.take(entry, "send_notice", handler, defence_until=clock.today() + dt.timedelta(days=1))
    entry.defence_until = clock.today() - dt.timedelta(days=1)
    service.take(entry, "request_listing", handler)
    with pytest.raises(workflow.StepNotAllowed):
        service.take(entry, "approve_listing", handler)  # a handler is no reviewer
    handler.role = Role.REVIEWER  # moved to the legal office since
    db.session.flush()
    assert service.allowed_steps(entry, handler) == []
    with pytest.raises(workflow.OwnWork):
        service.take(entry, "approve_listing", handler)
    with pytest.raises(workflow.StepNotAllowed):
        service.take(entry, "approve_listing", people["far_reviewer"])  # another jurisdiction
    assert entry.state is B.LISTING_REVIEW
    service.take(entry, "approve_listing", people["reviewer"])
    assert entry.state is B.LISTED


def test_whoever_requested_a_removal_cannot_approve_it(people):
    entry = listed(people)
    requester = people["reviewer2"]
    requester.role = Role.HANDLER
    db.session.flush()
    service.take(entry, "request_removal", requester, "整改完成")
    requester.role = Role.REVIEWER
    db.session.flush()
    with pytest.raises(workflow.OwnWork):
        service.take(entry, "approve_removal", requester)
    service.take(entry, "approve_removal", people["reviewer"])
    assert entry.state is B.REMOVED


@pytest.mark.parametrize("state, step", [
    (B.PROPOSED, "approve_listing"), (B.PROPOSED, "request_removal"), (B.LISTED, "send_notice"),
    (B.LISTED, "approve_removal"), (B.REMOVED, "request_removal"), (B.DROPPED, "send_notice"),
    (B.LISTING_REVIEW, "mark_rectifying"), (B.LISTED, "no_such_step"),
])
def test_steps_outside_the_table_are_refused(people, state, step):
    entry = propose_entry(people["handler"])
    entry.state = state
    if state is B.REMOVED:
        entry.removed_on = clock.today()
    db.session.flush()
    for actor in (people["handler"], people["reviewer"]):
        with pytest.raises(workflow.StepNotAllowed):
            service.take(entry, step, actor, "理由")
    assert entry.state is state


def test_reasons_are_required_where_the_table_says(people):
    handler, reviewer = people["handler"], people["reviewer"]
    entry = listed(people)
    with pytest.raises(workflow.ReasonRequired):
        service.take(entry, "request_removal", handler, "   ")
    service.take(entry, "request_removal", handler, "整改完成")
    with pytest.raises(workflow.ReasonRequired):
        service.take(entry, "refuse_removal", reviewer)
    service.take(entry, "refuse_removal", reviewer, "复查发现仍在违规招生")
    assert entry.state is B.LISTED and entry.removed_on is None  # back where the request came from
    dropped = propose_entry(handler, name="西湖另一培训部")
    with pytest.raises(workflow.ReasonRequired):
        service.take(dropped, "drop", handler)
    service.take(dropped, "drop", handler, "陈述申辩成立，已取得许可证")
    assert dropped.state is B.DROPPED


def test_a_returned_listing_goes_back_to_the_notice(people):
    handler, reviewer = people["handler"], people["reviewer"]
    entry = propose_entry(handler)
    service.take(entry, "send_notice", handler, defence_until=clock.today() + dt.timedelta(days=1))
    entry.defence_until = clock.today() - dt.timedelta(days=1)
    service.take(entry, "request_listing", handler)
    service.take(entry, "return_listing", reviewer, "证据不足，请补充现场检查笔录")
    assert entry.state is B.NOTICE and entry.listed_on is None
    assert history.kind(service.history(entry)[-1]) is history.LISTING_RETURNED


def test_only_proposers_of_the_county_propose(people):
    with pytest.raises(workflow.StepNotAllowed):
        propose_entry(people["reviewer"])
    with pytest.raises(workflow.StepNotAllowed):
        propose_entry(people["far_handler"])  # Xining staff, Hangzhou county
    admin = user("bl.admin", Role.ADMIN, "330000")
    with pytest.raises(service.InvalidEntry):
        propose_entry(admin, region_code="330100")  # a city, not a county
    assert db.session.scalar(select(BlacklistEntry).where(BlacklistEntry.name == "西湖向日葵培训中心")) is None


def test_an_open_entry_for_the_same_operator_is_a_duplicate(people):
    handler = people["handler"]
    first = propose_entry(handler, uscc=USCC)
    with pytest.raises(service.DuplicateEntry) as same_code:
        propose_entry(handler, name="改了名字的培训中心", uscc=USCC)
    assert same_code.value.args[0] == first.id
    with pytest.raises(service.DuplicateEntry):
        propose_entry(handler)  # same name, same county
    city = user("bl.city", Role.ADMIN, "330100")
    propose_entry(city, region_code="330108")  # same name elsewhere is another operator
    service.take(first, "drop", handler, "申辩成立")
    propose_entry(handler, uscc=USCC)  # a dropped proposal no longer counts


def test_names_are_indexed_for_search_by_any_fragment(people):
    entry = propose_entry(people["handler"])
    for fragment in ("葵", "向日", "培训中心", "西湖向日葵培训中心"):
        found = set(db.session.scalars(grams.candidates(service.GRAM_KIND, fragment)))
        assert entry.id in found, fragment


def test_imported_entries_arrive_listed_with_the_batch(people):
    entry = service.add_listed(entry_data(listed_on=dt.date(2026, 3, 1)), "2026年第一批")
    assert entry.state is B.LISTED and entry.proposer_id is None and entry.batch == "2026年第一批"
    event = service.history(entry)[0]
    assert (event.from_state, event.to_state, event.actor_id, event.note) == (None, B.LISTED, None, "2026年第一批")
    assert history.kind(event) is history.IMPORTED
    record = for_object("blacklist_entry", entry.id)[0]
    assert (record.actor, record.action, record.reason) == ("system", "blacklist.imported", "2026年第一批")
    # A reviewer may decide on an imported entry's removal: nobody proposed it here.
    service.take(entry, "request_removal", people["handler"], "整改完成")
    service.take(entry, "approve_removal", people["reviewer"])
    assert entry.state is B.REMOVED


def test_an_officers_import_awaits_a_reviewer_who_is_not_the_importer(people):
    handler = people["handler"]
    entry = service.import_for_review(entry_data(listed_on=dt.date(2026, 3, 1)), "2026年第一批", handler)
    assert entry.state is B.LISTING_REVIEW and entry.proposer_id == handler.id and entry.batch == "2026年第一批"
    assert history.kind(service.history(entry)[0]) is history.IMPORTED_FOR_REVIEW
    handler.role = Role.REVIEWER  # the importer later made a reviewer still may not approve their own upload
    assert service.allowed_steps(entry, handler) == []
    with pytest.raises(workflow.OwnWork):
        service.take(entry, "approve_listing", handler)
    assert entry.state is B.LISTING_REVIEW and [r.action for r in for_object("blacklist_entry", entry.id)] == [
        "blacklist.imported_for_review"]
    service.take(entry, "approve_listing", people["reviewer"])
    assert entry.state is B.LISTED and entry.listed_on == dt.date(2026, 3, 1)  # the published date


def test_a_returned_import_can_be_asked_for_again(people):
    handler, reviewer = people["handler"], people["reviewer"]
    entry = service.import_for_review(entry_data(listed_on=dt.date(2026, 3, 1)), "2026年第一批", handler)
    service.take(entry, "return_listing", reviewer, "决定书文号待核实")
    assert "request_listing" in service.allowed_steps(entry, handler)  # its defence was had elsewhere
    service.take(entry, "request_listing", handler)
    service.take(entry, "approve_listing", reviewer)
    assert entry.state is B.LISTED


def test_an_import_outside_the_officers_jurisdiction_or_by_a_reviewer_is_refused(people):
    far = entry_data(region_code="630104", listed_on=dt.date(2026, 3, 1))
    with pytest.raises(workflow.StepNotAllowed):
        service.import_for_review(far, "批次", people["handler"])
    with pytest.raises(workflow.StepNotAllowed):
        service.import_for_review(entry_data(listed_on=dt.date(2026, 3, 1)), "批次", people["reviewer"])
    with pytest.raises(service.InvalidEntry):
        service.import_for_review(entry_data(), "批次", people["handler"])  # no date listed
    assert db.session.scalar(select(BlacklistEntry.id).where(BlacklistEntry.batch == "批次")) is None
