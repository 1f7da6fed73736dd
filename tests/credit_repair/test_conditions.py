"""Credit repair by the book: never for the penalties DOMAIN lists; only after the shortest
publication period; only when the party performed the penalty, removed the effects, did not
repeat the violation and is not on the blacklist — each refusal with its reason."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import clock
from portal.accounts.models import Role
from portal.blacklist.models import BlacklistEntry, BlacklistReason, BlacklistState
from portal.credit_repair import service as repair
from portal.disclosures import demo, service
from portal.disclosures.models import Circumstance, RepairDecision
from portal.disclosures.models import PenaltyCategory as P
from portal.extensions import db
from portal.institutions.models import InstitutionKind
from portal.publication import periods
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.days import local_today
from tests.support.disclosures import draft_disclosure
from tests.support.forms import post_form

PARTY_USCC = demo._authority_uscc("330108")  # a valid code, standing for the party's
GENERAL = dict(circumstance=Circumstance.GENERAL, penalties=[P.WARNING], fine_amount=None, months=6,
               uscc=PARTY_USCC)


@pytest.fixture
def people(ctx):
    return {"handler": user("r.handler", Role.HANDLER), "reviewer": user("r.reviewer", Role.REVIEWER, "330100")}


def published(people, **overrides):
    disclosure = draft_disclosure(people["handler"], **overrides)
    service.submit(disclosure, people["handler"])
    service.review(disclosure, people["reviewer"], True)
    return disclosure


def approve(people, disclosure, **answers):
    answers = {"performed": True, "effects_removed": True, **answers}
    repair.record_repair(disclosure, people["handler"], clock.today(), True, "已履行并整改", **answers)


@pytest.mark.parametrize("penalty", [P.SUSPENSION, P.CLOSURE, P.RESTRICT_BUSINESS, P.OCCUPATIONAL_BAN, P.DOWNGRADE,
                                     P.REVOKE_LICENCE, P.STOP_ENROLMENT, P.STOP_RUNNING])
def test_never_for_the_penalties_that_keep_publication(people, penalty):
    disclosure = published(people, **dict(GENERAL, penalties=[P.WARNING, penalty], outside_range_reason="测试",
                                          decision_date=clock.today() - dt.timedelta(days=200)))
    with pytest.raises(repair.RepairRefused) as refused:
        approve(people, disclosure)
    assert refused.value.args[0] == "not_repairable" and disclosure.ended_early_on is None


def test_only_after_the_shortest_period_of_its_penalties(people):
    decided = clock.today() - dt.timedelta(days=200)  # past 3 months, not past 12
    serious = published(people, decision_date=decided, months=12)  # serious: 12 months at least
    with pytest.raises(repair.RepairRefused) as refused:
        approve(people, serious)
    assert refused.value.args == ("too_early", periods.add_months(decided, 12))
    assert serious.repair_decision is None and serious.ended_early_on is None


def test_granted_once_the_shortest_period_has_passed(people):
    decided = clock.today() - dt.timedelta(days=200)
    serious = published(people, decision_date=decided, months=24)
    earliest = periods.add_months(decided, 12)
    on_that_day = dt.datetime.combine(earliest, dt.time(10), tzinfo=clock.zone())
    with pytest.raises(repair.RepairRefused):  # the day before
        repair.record_repair(serious, people["handler"], clock.today(), True, "已履行并整改",
                             now=on_that_day - dt.timedelta(days=1), performed=True, effects_removed=True)
    repair.record_repair(serious, people["handler"], clock.today(), True, "已履行并整改", now=on_that_day,
                         performed=True, effects_removed=True)
    assert serious.repair_decision is RepairDecision.APPROVED and serious.ended_early_on == earliest


def test_refused_while_on_the_blacklist_and_granted_once_off_it(people):
    disclosure = published(people, **dict(GENERAL, decision_date=clock.today() - dt.timedelta(days=120)))
    entry = BlacklistEntry(region_code="330106", name="西湖启航文化培训学校", uscc=PARTY_USCC,
                           training_type=InstitutionKind.SUBJECT, reason=BlacklistReason.UNLICENSED,
                           facts="无证办学。", authority_name="杭州市西湖区教育局", state=BlacklistState.LISTED,
                           listed_on=clock.today() - dt.timedelta(days=10))
    db.session.add(entry)
    db.session.flush()
    with pytest.raises(repair.RepairRefused) as refused:
        approve(people, disclosure)
    assert refused.value.args[0] == "blacklisted" and disclosure.repair_decision is None
    db.session.delete(entry)  # taken off the list
    db.session.flush()
    approve(people, disclosure)
    assert disclosure.repair_decision is RepairDecision.APPROVED and disclosure.ended_early_on == clock.today()
    assert disclosure.repair_performed and disclosure.repair_effects_removed


def test_refused_after_a_repeated_violation(people):
    first = published(people, **dict(GENERAL, decision_date=clock.today() - dt.timedelta(days=150)))
    later = clock.today() - dt.timedelta(days=20)
    published(people, **dict(GENERAL, decision_date=later, decision_number="杭西教罚〔2026〕990号"))
    with pytest.raises(repair.RepairRefused) as refused:
        approve(people, first)
    assert refused.value.args == ("repeated", later)


@pytest.mark.parametrize(("answers", "reason"), [({"performed": False}, "not_performed"),
                                                  ({"effects_removed": False}, "effects_remain")])
def test_refused_until_the_penalty_is_performed_and_the_effects_removed(people, answers, reason):
    disclosure = published(people, **dict(GENERAL, decision_date=clock.today() - dt.timedelta(days=120)))
    with pytest.raises(repair.RepairRefused) as refused:
        approve(people, disclosure, **answers)
    assert refused.value.args[0] == reason and disclosure.ended_early_on is None


def test_the_page_shows_why_it_is_refused_and_grants_when_conditions_hold(app):
    client = signed_in_client(app, "r.page", Role.HANDLER, "330106", lang="en")
    with app.app_context():
        from portal.accounts.models import User
        people = {"handler": db.session.get(User, client.user_id),
                  "reviewer": user("r.page.reviewer", Role.REVIEWER, "330100")}
        disclosure_id = published(people, **dict(GENERAL, decision_date=clock.today() - dt.timedelta(days=120))).id
        db.session.commit()
    url = f"/staff/disclosures/{disclosure_id}/repair"
    assert client.get(url).status_code == 200
    fields = {"repair-state": "published", "repair-applied_on": str(local_today()), "repair-decision": "approve"}
    response = post_form(client, url, **fields)
    assert response.status_code == 422
    assert "The party has not performed the penalty yet." in response.get_data(as_text=True)
    response = post_form(client, url, **fields, **{"repair-performed": "y", "repair-effects_removed": "y"})
    assert response.status_code == 302
    with app.app_context():
        from portal.disclosures.models import Disclosure
        assert db.session.get(Disclosure, disclosure_id).ended_early_on == clock.today()
