"""Publication periods follow the penalty: the tier from the circumstances, the longest range of
several penalty types (data, overridable), bans and restrictions longer than three years published
while they last, lifelong ones without end, and no publication of a simplified-procedure warning."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.disclosures import queries, service
from portal.disclosures.models import Circumstance, Disclosure, Tier
from portal.disclosures.models import PenaltyCategory as P
from portal.extensions import db
from portal.publication import periods
from portal.publication.models import PublicationPeriod
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.disclosures import draft_disclosure, form_fields
from tests.support.forms import post_form

BAN = dict(penalties=[P.OCCUPATIONAL_BAN], fine_amount=None, outside_range_reason="从业禁止（测试）",
           decision_date=dt.date(2026, 6, 1), months=36)


@pytest.fixture
def people(ctx):
    return {"handler": user("p.handler", Role.HANDLER), "reviewer": user("p.reviewer", Role.REVIEWER, "330100")}


def _published(people, **overrides) -> Disclosure:
    disclosure = draft_disclosure(people["handler"], **overrides)
    service.submit(disclosure, people["handler"])
    service.review(disclosure, people["reviewer"], True)
    return disclosure


def test_the_tier_follows_the_circumstances():
    assert periods.tier_for(Circumstance.MINOR) is Tier.GENERAL
    assert periods.tier_for(Circumstance.GENERAL) is Tier.GENERAL
    assert periods.tier_for(Circumstance.SERIOUS) is Tier.SERIOUS
    assert periods.tier_for(Circumstance.ESPECIALLY_SERIOUS) is Tier.SERIOUS


def test_several_penalty_types_take_the_longest_range_kept_as_data(ctx):
    assert periods.month_range([P.WARNING], Tier.GENERAL) == (3, 12)
    assert periods.month_range([P.WARNING, P.FINE], Tier.SERIOUS) == (12, 36)
    db.session.add_all([PublicationPeriod(penalty="fine", tier=Tier.GENERAL, min_months=6, max_months=18),
                        PublicationPeriod(penalty="warning", tier=Tier.GENERAL, min_months=3, max_months=6)])
    db.session.flush()
    assert periods.month_range([P.WARNING], Tier.GENERAL) == (3, 6)
    assert periods.month_range([P.WARNING, P.FINE], Tier.GENERAL) == (6, 18)


def test_staff_may_not_choose_a_period_outside_the_rule(people):
    with pytest.raises(service.InvalidPeriod) as refused:
        draft_disclosure(people["handler"], months=6)  # serious: 12 to 36
    assert refused.value.args[0] == (12, 36)
    with pytest.raises(service.InvalidPeriod):
        draft_disclosure(people["handler"], circumstance=Circumstance.GENERAL, penalties=[P.WARNING],
                         fine_amount=None, months=24)  # general: 3 to 12
    assert db.session.scalar(select(Disclosure.id).where(Disclosure.decision_number == "杭西教罚〔2026〕901号")) is None
    stored = draft_disclosure(people["handler"], months=30)
    assert stored.tier is Tier.SERIOUS and stored.period_months == 30


def test_a_ban_longer_than_three_years_is_still_published_after_three_years(people):
    ban = _published(people, valid_until=dt.date(2031, 6, 1), **BAN)  # five years
    assert ban.publication_end == dt.date(2031, 6, 1)
    ids = lambda today: {d.id for d in queries.search(queries.DisclosureQuery(), 1, 50, today).items}  # noqa: E731
    assert ban.id in ids(dt.date(2029, 6, 2))  # three years and a day
    assert ban.id in ids(dt.date(2031, 6, 1))
    assert ban.id not in ids(dt.date(2031, 6, 2))


def test_a_ban_of_three_years_or_less_ends_with_the_period(people):
    ban = _published(people, valid_until=dt.date(2028, 6, 1), decision_number="杭西教罚〔2026〕903号",
                     **dict(BAN, months=12))
    assert ban.publication_end == dt.date(2027, 6, 1)


def test_a_lifelong_ban_never_drops_off(people):
    ban = _published(people, lifelong=True, **BAN)
    assert ban.publication_end is None
    assert queries.get_public(ban.id, dt.date(2070, 1, 1)).shown_until is None


def test_lifelong_only_for_a_ban_or_restriction_and_without_an_end(people):
    with pytest.raises(service.InvalidDraft) as refused:
        draft_disclosure(people["handler"], lifelong=True)  # a warning and a fine
    assert refused.value.args[0] == "lifelong"
    with pytest.raises(service.InvalidDraft):
        draft_disclosure(people["handler"], lifelong=True, valid_until=dt.date(2040, 1, 1), **BAN)


def test_a_warning_by_the_simplified_procedure_is_not_published(people):
    with pytest.raises(service.InvalidDraft) as refused:
        draft_disclosure(people["handler"], circumstance=Circumstance.MINOR, penalties=[P.WARNING],
                         fine_amount=None, months=3, simplified_procedure=True)
    assert refused.value.args[0] == "simplified_procedure"
    fine = draft_disclosure(people["handler"], simplified_procedure=True)  # a warning and a fine: published
    assert fine.simplified_procedure


def test_the_form_says_why_beside_the_field_and_stores_nothing(app):
    client = signed_in_client(app, "p.form", Role.HANDLER, "330106", lang="en")
    response = post_form(client, "/staff/disclosures/new", **form_fields(
        circumstance="minor", penalties=["warning"], fine_amount="", months="3", simplified_procedure="y"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "A warning decided by the simplified procedure is not published" in page
    response = post_form(client, "/staff/disclosures/new", **form_fields(months="40", lifelong="y"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Give between 1 and 36 months." in page
    assert "Only an occupational ban or a business restriction can be lifelong." in page
    with app.app_context():
        assert db.session.scalar(select(Disclosure.id).where(Disclosure.decision_number == "杭西教罚〔2026〕950号")) \
            is None


def test_province_administrators_keep_the_periods(app):
    province = signed_in_client(app, "p.province", Role.ADMIN, "330000", "证p.province", lang="en")
    page = province.get("/staff/publication-periods")
    assert page.status_code == 200 and "Change a period" in page.get_data(as_text=True)
    fields = {"penalty": "fine", "tier": "general", "min_months": "6", "max_months": "4"}
    response = post_form(province, "/staff/publication-periods", **fields)
    assert response.status_code == 422
    assert "The longest period cannot be shorter than the shortest." in response.get_data(as_text=True)
    response = post_form(province, "/staff/publication-periods", **dict(fields, max_months="18"))
    assert response.status_code == 302
    with app.app_context():
        assert periods.month_range([P.WARNING, P.FINE], Tier.GENERAL, "330106") == (6, 18)
        # Zhejiang's row: other provinces and the national table keep the default
        assert periods.month_range([P.WARNING, P.FINE], Tier.GENERAL, "320102") == (3, 12)
        assert periods.month_range([P.WARNING, P.FINE], Tier.GENERAL) == (3, 12)
        from portal.security.audit import AuditRecord
        assert db.session.scalar(select(AuditRecord.action).where(AuditRecord.object_type == "publication_period")) \
            == "publication_period.changed"
    city = signed_in_client(app, "p.city", Role.ADMIN, "330100", "证p.city", lang="en")
    assert "Change a period" not in city.get("/staff/publication-periods").get_data(as_text=True)
    assert post_form(city, "/staff/publication-periods", **dict(fields, max_months="18")).status_code == 403
