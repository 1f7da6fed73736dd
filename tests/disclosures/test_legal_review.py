"""法制审核 before the decision (who, when, collective discussion: 行政处罚法 arts. 57–58) recorded
on the draft; the check before publication is named 公示审核 and done by someone other than the
drafter."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal import workflow
from portal.accounts.models import Role
from portal.disclosures import service
from portal.disclosures.models import Circumstance, Disclosure, DisclosureState
from portal.disclosures.models import PenaltyCategory as P
from portal.extensions import db
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.days import local_today
from tests.support.disclosures import draft_disclosure, form_fields
from tests.support.forms import post_form

DECIDED = dt.date(2026, 11, 2)


@pytest.fixture
def people(ctx):
    return {"handler": user("l.handler", Role.HANDLER), "reviewer": user("l.reviewer", Role.REVIEWER, "330100")}


def test_the_decisions_legal_review_is_recorded_with_the_draft(people):
    draft = draft_disclosure(people["handler"], decision_date=DECIDED, legal_reviewer_name="王法审",
                             legal_reviewed_on=DECIDED - dt.timedelta(days=2), collective_discussion=True)
    assert (draft.legal_reviewer_name, draft.legal_reviewed_on, draft.collective_discussion) == (
        "王法审", dt.date(2026, 10, 31), True)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"legal_reviewer_name": "", "legal_reviewed_on": DECIDED}, "legal_reviewer_name"),
    ({"legal_reviewer_name": "王法审", "legal_reviewed_on": None}, "legal_reviewed_on"),
    ({"legal_reviewer_name": "王法审", "legal_reviewed_on": DECIDED + dt.timedelta(days=1)}, "legal_reviewed_on"),
    ({"circumstance": Circumstance.ESPECIALLY_SERIOUS, "outside_range_reason": "测试",
      "legal_reviewer_name": "王法审", "legal_reviewed_on": DECIDED}, "collective_discussion"),
])
def test_a_draft_without_a_proper_legal_review_is_refused(people, overrides, field):
    with pytest.raises(service.InvalidDraft) as refused:
        draft_disclosure(people["handler"], decision_date=DECIDED, **overrides)
    assert refused.value.args[0] == field
    assert db.session.scalar(select(Disclosure.id).where(Disclosure.decision_number == "杭西教罚〔2026〕901号")) is None


def test_the_simplified_procedure_needs_no_legal_review(people):
    draft = draft_disclosure(people["handler"], decision_date=DECIDED, simplified_procedure=True,
                             legal_reviewer_name="", legal_reviewed_on=None, penalties=[P.WARNING, P.FINE])
    assert draft.legal_reviewed_on is None


def test_the_publication_review_is_by_someone_other_than_the_drafter(people):
    admin = user("l.admin", Role.ADMIN, "330106", "证l.admin")
    draft = draft_disclosure(admin, decision_date=DECIDED)
    service.submit(draft, admin)
    assert draft.state is DisclosureState.IN_REVIEW
    assert service.STEPS["approve"].other_than_author
    with pytest.raises(workflow.StepNotAllowed):
        service.review(draft, admin, True)  # an administrator is not a reviewer, and drafted it
    service.review(draft, people["reviewer"], True)
    assert draft.state is DisclosureState.PUBLISHED and draft.reviewer_id != draft.drafter_id


def test_the_form_asks_for_the_legal_review_beside_the_field(app):
    client = signed_in_client(app, "l.form", Role.HANDLER, "330106", lang="zh_CN")
    response = post_form(client, "/staff/disclosures/new", **form_fields(
        legal_reviewer_name="", legal_reviewed_on=str(local_today())))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写对处罚决定进行法制审核的人员。" in page
    assert "法制审核应在作出决定之前" in page  # the day after the decision date
    assert "待公示审核" in client.get("/staff/disclosures").get_data(as_text=True)  # the state, by its name
