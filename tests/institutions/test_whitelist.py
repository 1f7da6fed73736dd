"""The whitelist: each of the five conditions failing alone, in the page's verdict and in the
database filter, and the two always agreeing."""
import datetime as dt

import pytest
from sqlalchemy import select

from portal.blacklist.models import BlacklistState
from portal.disclosures.models import DisclosureState
from portal.extensions import db
from portal.institutions import whitelist
from portal.institutions.models import AnnualInspection, Institution, LicenceStatus, RegistrationType
from portal.institutions.whitelist import Condition
from tests.support import institutions as factories

TODAY = dt.date(2026, 11, 29)


def filtered_in(institution: Institution) -> bool:
    """Whether the "whitelisted only" filter keeps it."""
    stmt = select(Institution.id).where(Institution.id == institution.id, whitelist.whitelisted(TODAY))
    return db.session.scalar(stmt) is not None


def test_an_institution_meeting_every_condition_is_whitelisted(ctx):
    institution = factories.institution()
    verdict = whitelist.verdict(institution.id, TODAY)
    assert verdict.whitelisted and verdict.unmet == [] and not verdict.blacklisted
    assert filtered_in(institution)


@pytest.mark.parametrize("overrides, condition", [
    ({"licence_status": LicenceStatus.EXPIRED}, Condition.LICENSED),
    ({"licence_status": LicenceStatus.REVOKED}, Condition.LICENSED),
    ({"registration_type": RegistrationType.NONE}, Condition.REGISTERED),
    ({"annual_inspection": AnnualInspection.FAILED}, Condition.INSPECTED),
    ({"annual_inspection": AnnualInspection.NOT_INSPECTED, "annual_inspection_year": None}, Condition.INSPECTED),
    ({"on_national_platform": False}, Condition.ON_PLATFORM),
])
def test_each_registry_condition_failing_alone(ctx, overrides, condition):
    institution = factories.institution(**overrides)
    verdict = whitelist.verdict(institution.id, TODAY)
    assert verdict.unmet == [condition] and not verdict.whitelisted
    assert not filtered_in(institution)


@pytest.mark.parametrize("state, counts", [
    (BlacklistState.LISTED, True), (BlacklistState.RECTIFYING, True), (BlacklistState.REMOVAL_REQUESTED, True),
    (BlacklistState.REMOVED, False), (BlacklistState.PROPOSED, False), (BlacklistState.DROPPED, False),
])
def test_a_blacklist_entry_counts_while_in_force(ctx, state, counts):
    institution = factories.institution()
    factories.blacklist_entry(institution, state)
    verdict = whitelist.verdict(institution.id, TODAY)
    assert verdict.unmet == ([Condition.NO_VIOLATION] if counts else [])
    assert verdict.blacklisted is counts
    assert filtered_in(institution) is not counts


def test_an_entry_with_the_same_uscc_counts_even_unlinked(ctx):
    institution = factories.institution()
    factories.blacklist_entry(None, uscc=institution.uscc, name="另一个名字培训部")
    assert whitelist.verdict(institution.id, TODAY).unmet == [Condition.NO_VIOLATION]
    assert not filtered_in(institution)


def test_a_published_penalty_in_its_period_counts(ctx):
    institution = factories.institution()
    factories.disclosure(institution, TODAY, factories.staff("wl_drafter"))
    verdict = whitelist.verdict(institution.id, TODAY)
    assert verdict.unmet == [Condition.NO_VIOLATION] and verdict.penalised and not verdict.blacklisted
    assert not filtered_in(institution)


@pytest.mark.parametrize("overrides", [
    {"publication_end": TODAY - dt.timedelta(days=1)},  # its period is over
    {"ended_early_on": TODAY - dt.timedelta(days=1)},  # credit repair ended it early
    {"state": DisclosureState.WITHDRAWN, "withdrawal_reason": "决定已撤销"},  # the decision was revoked
    {"state": DisclosureState.IN_REVIEW, "published_at": None},  # not published yet
])
def test_penalties_not_currently_published_do_not_count(ctx, overrides):
    institution = factories.institution()
    factories.disclosure(institution, TODAY, factories.staff("wl_drafter2"), **overrides)
    assert whitelist.verdict(institution.id, TODAY).whitelisted
    assert filtered_in(institution)


def test_every_failing_condition_is_listed(ctx):
    institution = factories.institution(licence_status=LicenceStatus.NONE, licence_number=None, uscc=None,
                                        registration_type=RegistrationType.NONE, on_national_platform=False,
                                        annual_inspection=AnnualInspection.NOT_INSPECTED)
    factories.blacklist_entry(institution)
    assert whitelist.verdict(institution.id, TODAY).unmet == list(Condition)


def test_verdict_and_filter_agree_on_the_whole_demo_registry(ctx):
    kept = set(db.session.scalars(select(Institution.id).where(whitelist.whitelisted(TODAY))))
    every = list(db.session.scalars(select(Institution.id)))
    assert 0 < len(kept) < len(every)  # the demo has both
    for institution_id in every:
        assert whitelist.verdict(institution_id, TODAY).whitelisted is (institution_id in kept)
