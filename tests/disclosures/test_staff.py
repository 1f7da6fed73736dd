"""Penalty disclosures in the back office: drafting against the benchmark, legal review by
someone else, publication, withdrawal, credit repair, jurisdiction and the audit trail."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from portal import clock, workflow
from portal.accounts.models import Role
from portal.casework.models import Category
from portal.credit_repair import service as repair
from portal.disclosures import demo, service
from portal.disclosures.models import Circumstance, Disclosure, DisclosureState, RepairDecision
from portal.disclosures.models import PenaltyCategory as P
from portal.discretion import demo as discretion_demo
from portal.discretion import service as catalogue
from portal.discretion.models import DiscretionRule
from portal.extensions import db
from portal.publication import periods
from portal.security.audit import AuditRecord, for_object
from tests.support.accounts import make_account, sign_in, signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.days import local_today
from tests.support.disclosures import data, draft_disclosure, form_fields
from tests.support.forms import post_form


@pytest.fixture
def people(ctx):
    return {"handler": user("t.handler", Role.HANDLER), "reviewer": user("t.reviewer", Role.REVIEWER, "330100"),
            "other_reviewer": user("t.reviewer2", Role.REVIEWER, "330100"),
            "far_reviewer": user("t.reviewer3", Role.REVIEWER, "630100")}


def published(people, **overrides) -> Disclosure:
    disclosure = draft_disclosure(people["handler"], **overrides)
    service.submit(disclosure, people["handler"])
    service.review(disclosure, people["reviewer"], True)
    return disclosure


# ---- Periods (more in test_periods.py) ----------------------------------------------------------

def test_publication_end_in_calendar_months():
    assert periods.publication_end(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert periods.publication_end(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert periods.publication_end(dt.date(2026, 3, 15), 3) == dt.date(2026, 6, 15)
    assert periods.publication_end(dt.date(2026, 11, 30), 12) == dt.date(2027, 11, 30)
    assert periods.publication_end(dt.date(2026, 8, 31), 36) == dt.date(2029, 8, 31)
    assert periods.publication_end(dt.date(2026, 12, 31), 2) == dt.date(2027, 2, 28)


# ---- The benchmark -----------------------------------------------------------------------------

def test_the_seeded_benchmark_and_what_falls_outside(ctx):
    serious = catalogue.benchmark(Category.DISGUISED_TRAINING, Circumstance.SERIOUS, None)
    worst = catalogue.benchmark(Category.DISGUISED_TRAINING, Circumstance.ESPECIALLY_SERIOUS, None)
    assert serious.fine_max == Decimal("50000") and serious.legal_basis == demo.ORDER_53 + "第十八条"
    assert (worst.fine_min, worst.fine_max) == (Decimal("50000"), Decimal("100000"))
    assert catalogue.outside_range(serious, [P.WARNING, P.FINE], Decimal("50000")) == []
    assert catalogue.outside_range(serious, [P.FINE], Decimal("50000.01")) == ["fine_amount"]
    assert catalogue.outside_range(worst, [P.FINE], Decimal("49999")) == ["fine_amount"]
    assert catalogue.outside_range(serious, [P.CLOSURE, P.FINE], Decimal("100")) == ["closure"]
    minor = catalogue.benchmark(Category.DISGUISED_TRAINING, Circumstance.MINOR, None)
    assert catalogue.outside_range(minor, [P.FINE], Decimal("1")) == ["fine"]
    assert discretion_demo.seed_rules() == 0  # idempotent


def test_outside_range_penalty_needs_a_reason(people):
    with pytest.raises(workflow.ReasonRequired):
        draft_disclosure(people["handler"], fine_amount=Decimal("60000"))
    disclosure = draft_disclosure(people["handler"], fine_amount=Decimal("60000"),
                                  outside_range_reason="多次违规，且拒不整改。")
    assert disclosure.outside_range_reason == "多次违规，且拒不整改。"
    inside = draft_disclosure(people["handler"], decision_number="杭西教罚〔2026〕902号",
                              outside_range_reason="不需要的理由")
    assert inside.outside_range_reason == ""  # within the range: no reason kept


def test_decision_number_is_unique(people):
    draft_disclosure(people["handler"])
    with pytest.raises(service.DecisionNumberTaken):
        draft_disclosure(people["handler"])


def test_only_drafters_of_the_jurisdiction_draft(people):
    with pytest.raises(workflow.StepNotAllowed):
        draft_disclosure(people["reviewer"])
    far = user("t.far.handler", Role.HANDLER, "330108")
    with pytest.raises(workflow.StepNotAllowed):
        draft_disclosure(far)


# ---- Review, publication, withdrawal -----------------------------------------------------------

def test_drafter_cannot_review_and_another_reviewer_publishes(people):
    handler, reviewer = people["handler"], people["reviewer"]
    disclosure = draft_disclosure(handler)
    with pytest.raises(workflow.StepNotAllowed):  # not submitted yet
        service.review(disclosure, reviewer, True)
    service.submit(disclosure, handler)
    assert disclosure.state is DisclosureState.IN_REVIEW
    with pytest.raises(workflow.StepNotAllowed):
        service.review(disclosure, handler, True)  # a handler is no reviewer
    with pytest.raises(workflow.StepNotAllowed):
        service.review(disclosure, people["far_reviewer"], True)  # another jurisdiction
    service.review(disclosure, reviewer, True)
    assert disclosure.state is DisclosureState.PUBLISHED and disclosure.published_at is not None
    assert disclosure.reviewer_id == reviewer.id


def test_drafter_who_became_a_reviewer_cannot_review_their_own_draft(people):
    drafter = people["handler"]
    disclosure = draft_disclosure(drafter)
    service.submit(disclosure, drafter)
    drafter.role = Role.REVIEWER  # moved to the legal office since
    db.session.flush()
    assert "approve" not in service.allowed_steps(disclosure, drafter)
    with pytest.raises(workflow.OwnWork):
        service.review(disclosure, drafter, True)
    assert disclosure.state is DisclosureState.IN_REVIEW


def test_return_needs_a_comment_and_allows_editing_again(people):
    disclosure = draft_disclosure(people["handler"])
    service.submit(disclosure, people["handler"])
    with pytest.raises(workflow.ReasonRequired):
        service.review(disclosure, people["reviewer"], False, "  ")
    service.review(disclosure, people["reviewer"], False, "处罚依据条款不完整")
    assert disclosure.state is DisclosureState.RETURNED and disclosure.review_comment == "处罚依据条款不完整"
    service.save_draft(people["handler"], data(legal_basis=demo.ORDER_53 + "第十六条"), disclosure)
    service.submit(disclosure, people["handler"])
    service.review(disclosure, people["other_reviewer"], True)
    assert disclosure.state is DisclosureState.PUBLISHED


def test_withdraw_needs_a_reason(people):
    disclosure = published(people)
    with pytest.raises(workflow.ReasonRequired):
        service.withdraw(disclosure, people["handler"], "", clock.today())
    service.withdraw(disclosure, people["handler"], "行政复议撤销原处罚决定", clock.today())
    assert disclosure.state is DisclosureState.WITHDRAWN and disclosure.withdrawal_reason == "行政复议撤销原处罚决定"
    with pytest.raises(workflow.StepNotAllowed):
        service.withdraw(disclosure, people["handler"], "again", clock.today())


def test_every_change_is_audited(people):
    disclosure = published(people)
    service.withdraw(disclosure, people["handler"], "决定变更", clock.today())
    actions = [r.action for r in for_object("disclosure", disclosure.id)]
    assert actions == ["disclosure.drafted", "disclosure.submit", "disclosure.approve", "disclosure.withdraw"]
    last = for_object("disclosure", disclosure.id)[-1]
    assert last.actor == f"user:{people['handler'].id}" and last.reason == "决定变更"


# ---- Credit repair -----------------------------------------------------------------------------

def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(4), tzinfo=dt.timezone.utc)  # noon in Shanghai


def test_credit_repair_refused_before_the_minimum_period(people):
    decided = clock.today() - dt.timedelta(days=30)
    disclosure = published(people, decision_date=decided, circumstance=Circumstance.GENERAL, months=6,
                           penalties=[P.WARNING], fine_amount=None)  # general: 3 months minimum
    with pytest.raises(repair.RepairRefused) as refused:
        repair.record_repair(disclosure, people["handler"], clock.today(), True)
    assert refused.value.args == ("too_early", periods.add_months(decided, 3))
    assert disclosure.repair_decision is None and disclosure.ended_early_on is None


def test_credit_repair_never_for_closure_or_revocation(people):
    decided = clock.today() - dt.timedelta(days=200)
    for number, penalties in (("杭西教罚〔2026〕911号", [P.CLOSURE]), ("杭西教罚〔2026〕912号", [P.REVOKE_LICENCE])):
        disclosure = published(people, decision_number=number, decision_date=decided, penalties=penalties,
                               fine_amount=None, months=24, outside_range_reason="情节特别恶劣")
        with pytest.raises(repair.RepairRefused) as refused:
            repair.record_repair(disclosure, people["handler"], clock.today(), True, now=_noon(
                decided + dt.timedelta(days=400)))
        assert refused.value.args[0] == "not_repairable"
        assert disclosure.ended_early_on is None


def test_credit_repair_approved_after_the_minimum_ends_publication(people):
    decided = clock.today() - dt.timedelta(days=120)
    disclosure = published(people, decision_date=decided, circumstance=Circumstance.GENERAL, months=6,
                           penalties=[P.WARNING], fine_amount=None)
    repair.record_repair(disclosure, people["handler"], clock.today() - dt.timedelta(days=3), True, "已整改",
                         performed=True, effects_removed=True)
    assert disclosure.repair_decision is RepairDecision.APPROVED
    assert disclosure.ended_early_on == clock.today()
    assert for_object("disclosure", disclosure.id)[-1].action == "disclosure.repair_approved"
    with pytest.raises(repair.RepairRefused):
        repair.record_repair(disclosure, people["handler"], clock.today(), True)


def test_no_repair_from_day_0_for_any_tier_and_a_refusal_needs_its_reason(people):
    disclosure = published(people, circumstance=Circumstance.MINOR, penalties=[P.WARNING], fine_amount=None,
                           months=3, decision_date=clock.today() - dt.timedelta(days=2))
    with pytest.raises(repair.RepairRefused) as refused:
        repair.record_repair(disclosure, people["handler"], clock.today(), True)
    assert refused.value.args[0] == "too_early"
    with pytest.raises(workflow.ReasonRequired):
        repair.record_repair(disclosure, people["handler"], clock.today(), False)
    repair.record_repair(disclosure, people["handler"], clock.today(), False, "整改材料不全")
    assert disclosure.repair_decision is RepairDecision.REFUSED and disclosure.ended_early_on is None


# ---- Pages -------------------------------------------------------------------------------------

def count(app, **where) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Disclosure).filter_by(**where)).all())


def test_drafting_page_keeps_input_and_stores_nothing_on_error(app):
    client = signed_in_client(app, "p.handler", Role.HANDLER, "330106", "证p1", lang="en")
    assert client.get("/staff/disclosures/new").status_code == 200
    response = post_form(client, "/staff/disclosures/new", **form_fields(decision_number="", fine_amount="abc",
                                                                   months="6"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the decision number." in page and "Enter an amount in yuan" in page
    assert "For these penalties and circumstances choose between 12 and 36 months." in page
    assert "以家政服务名义开展学科类培训。" in page  # input kept
    assert count(app, party_name="西湖博雅艺术培训学校") == 0


def test_benchmark_button_shows_the_range_and_outside_range_needs_the_reason(app):
    client = signed_in_client(app, "p.handler2", Role.HANDLER, "330106", "证p2", lang="en")
    response = post_form(client, "/staff/disclosures/new", **form_fields(action="benchmark", fine_amount="80000"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "fine up to CN¥50,000.00" in page and 'value="80000"' in page
    assert "Outside the benchmark" in page
    response = post_form(client, "/staff/disclosures/new", **form_fields(fine_amount="80000"))
    assert response.status_code == 422
    assert "This penalty falls outside the benchmark: give the reason." in response.get_data(as_text=True)
    assert count(app, decision_number="杭西教罚〔2026〕950号") == 0
    response = post_form(client, "/staff/disclosures/new", **form_fields(fine_amount="80000",
                                                                   outside_range_reason="屡教不改"))
    assert response.status_code == 302
    assert count(app, decision_number="杭西教罚〔2026〕950号", outside_range_reason="屡教不改") == 1
    response = post_form(client, "/staff/disclosures/new", **form_fields())
    assert response.status_code == 422
    assert "Another disclosure already has this decision number." in response.get_data(as_text=True)


def test_journey_through_the_pages_and_another_jurisdiction_gets_404(app):
    handler = signed_in_client(app, "j.handler", Role.HANDLER, "330106", "证j1", lang="en")
    reviewer = signed_in_client(app, "j.reviewer", Role.REVIEWER, "330100", "证j2", lang="en")
    far = signed_in_client(app, "j.far", Role.HANDLER, "630103", "证j3", lang="en")
    response = post_form(handler, "/staff/disclosures/new", **form_fields(fine_amount="60000",
                                                                    outside_range_reason="拒不整改，情节较重"))
    url = response.headers["Location"]
    assert far.get(url).status_code == 404
    assert far.get("/staff/disclosures").get_data(as_text=True).count("杭西教罚〔2026〕950号") == 0
    assert "杭西教罚〔2026〕950号" in handler.get("/staff/disclosures?state=draft").get_data(as_text=True)
    assert post_form(handler, url + "/submit", url, **{"submit-state": "draft"}).status_code == 302
    page = reviewer.get(url).get_data(as_text=True)
    assert 'id="outside-range"' in page and "拒不整改，情节较重" in page  # highlighted for the reviewer
    response = post_form(reviewer, url + "/review", url, **{"review-state": "in_review", "review-decision": "return"})
    assert response.status_code == 422 and "Say what must change" in response.get_data(as_text=True)
    response = post_form(reviewer, url + "/review", url, **{"review-state": "in_review", "review-decision": "approve"})
    assert response.status_code == 302
    assert count(app, decision_number="杭西教罚〔2026〕950号", state=DisclosureState.PUBLISHED) == 1
    # An out-of-date page (the state changed since) is refused.
    assert post_form(handler, url + "/submit", url, **{"submit-state": "draft"}).status_code == 409
    response = post_form(handler, url + "/withdraw", url, **{"withdraw-state": "published", "withdraw-reason": ""})
    assert response.status_code == 422
    response = post_form(handler, url + "/repair", url, **{"repair-state": "published",
                                                      "repair-applied_on": str(local_today() - dt.timedelta(days=1)),
                                                      "repair-decision": "approve"})
    assert response.status_code == 422 and "only from" in response.get_data(as_text=True)
    response = post_form(handler, url + "/withdraw", url,
                         **{"withdraw-state": "published", "withdraw-reason": "复议撤销",
                            "withdraw-revoked_on": str(local_today())})
    assert response.status_code == 302
    assert count(app, decision_number="杭西教罚〔2026〕950号", state=DisclosureState.WITHDRAWN) == 1
    with app.app_context():
        disclosure = db.session.scalar(select(Disclosure).where(Disclosure.decision_number == "杭西教罚〔2026〕950号"))
        assert [r.action for r in for_object("disclosure", disclosure.id)] == [
            "disclosure.drafted", "disclosure.submit", "disclosure.approve", "disclosure.withdraw"]


def test_reviewer_who_drafted_sees_no_review_and_is_refused(app):
    user_id, secret = make_account(app, "own.drafter", Role.HANDLER, "330106", "证own")
    with app.app_context():
        from portal.accounts.models import User
        drafter = db.session.get(User, user_id)
        disclosure = draft_disclosure(drafter)
        service.submit(disclosure, drafter)
        drafter.role = Role.REVIEWER  # the same person, moved to the legal office since
        disclosure_id = disclosure.id
        db.session.commit()
    client = app.test_client()
    sign_in(client, "own.drafter", secret)
    client.get("/staff/account?lang=en")
    url = f"/staff/disclosures/{disclosure_id}"
    page = client.get(url).get_data(as_text=True)
    assert "another reviewer must check it before publication" in page and "Record the review" not in page
    response = post_form(client, url + "/review", url, **{"review-state": "in_review", "review-decision": "approve"})
    assert response.status_code == 409
    assert count(app, id=disclosure_id, state=DisclosureState.IN_REVIEW) == 1


def test_benchmark_national_lines_by_national_administrators_province_lines_by_the_province(app):
    # National administrators change the national lines; a province's administrators add their own
    # line, which applies in that province only; a city's administrators read.
    city = signed_in_client(app, "b.city", Role.ADMIN, "330100", lang="en")
    zhejiang = signed_in_client(app, "b.zhejiang", Role.ADMIN, "330000", lang="en")
    national = signed_in_client(app, "b.national", Role.ADMIN, "000000", lang="en")
    page = city.get("/staff/discretion").get_data(as_text=True)
    assert demo.ORDER_53 in page and "/staff/discretion/new" not in page
    assert city.get("/staff/discretion/new").status_code == 403
    assert "/staff/discretion/new" in zhejiang.get("/staff/discretion").get_data(as_text=True)
    with app.app_context():  # a line the catalogue has not: the seeded one taken out
        db.session.execute(delete(DiscretionRule).where(DiscretionRule.violation == Category.UNLICENSED,
                                                        DiscretionRule.circumstance == Circumstance.SERIOUS))
        db.session.commit()
    fields = {"violation": "unlicensed", "circumstance": "serious", "matter": "对无证办学的处罚",
              "legal_basis": "由管理员录入", "level": "county", "penalties": ["warning", "fine"],
              "fine_min": "60000", "fine_max": "50000"}
    response = post_form(national, "/staff/discretion/new", **fields)
    assert response.status_code == 422
    assert "The highest fine cannot be lower than the lowest." in response.get_data(as_text=True)
    response = post_form(national, "/staff/discretion/new", **dict(fields, fine_min="10000"))
    assert response.status_code == 302
    response = post_form(national, "/staff/discretion/new", **dict(fields, fine_min="10000"))
    assert response.status_code == 422  # one line per violation and circumstances
    response = post_form(zhejiang, "/staff/discretion/new", **dict(fields, fine_min="20000", matter="浙江的处罚"))
    assert response.status_code == 302  # the province's own line beside the national one
    assert post_form(zhejiang, "/staff/discretion/new", **dict(fields, fine_min="20000")).status_code == 422
    with app.app_context():
        rule = catalogue.benchmark(Category.UNLICENSED, Circumstance.SERIOUS, None)
        assert (rule.scope, rule.fine_min, rule.fine_max) == ("", Decimal("10000.00"), Decimal("50000.00"))
        own = catalogue.benchmark(Category.UNLICENSED, Circumstance.SERIOUS, "330106")
        assert (own.scope, own.fine_min, own.matter) == ("33", Decimal("20000.00"), "浙江的处罚")
        assert catalogue.benchmark(Category.UNLICENSED, Circumstance.SERIOUS, "630100").id == rule.id
        for line in (rule, own):
            assert db.session.scalar(select(AuditRecord).where(AuditRecord.action == "discretion.added",
                                                               AuditRecord.object_id == str(line.id))) is not None
        rule_id, own_id = rule.id, own.id
    assert zhejiang.get(f"/staff/discretion/{rule_id}").status_code == 403  # the national line
    assert national.get(f"/staff/discretion/{own_id}").status_code == 403  # the province's
    assert zhejiang.get(f"/staff/discretion/{own_id}").status_code == 200


def test_drafting_checks_against_the_line_in_force_in_the_disclosures_province(app):
    # Zhejiang's own line for serious disguised training caps the fine at ¥10,000 (national: ¥50,000).
    with app.app_context():
        national = catalogue.benchmark(Category.DISGUISED_TRAINING, Circumstance.SERIOUS, None)
        catalogue.save_rule(user("t.zj.admin", Role.ADMIN, "330000"), national.violation, national.circumstance,
                            "浙江省的裁量", national.legal_basis, national.level, [P.WARNING, P.FINE], None,
                            Decimal("10000"), None, national.criteria)
        db.session.commit()
        assert service.check_draft(data(region_code="630102")) == []  # ¥20,000: inside the national line
        assert service.check_draft(data(region_code="330106", outside_range_reason="多次违规")) == ["fine_amount"]
        with pytest.raises(workflow.ReasonRequired):
            service.check_draft(data(region_code="330106"))
    client = signed_in_client(app, "p.zj.handler", Role.HANDLER, "330106", "证zj", lang="en")
    response = post_form(client, "/staff/disclosures/new", **form_fields(action="benchmark"))
    page = response.get_data(as_text=True)
    assert "fine up to CN¥10,000.00" in page and "浙江省的裁量" in page and "Outside the benchmark" in page
    response = post_form(client, "/staff/disclosures/new", **form_fields())
    assert response.status_code == 422
    assert "This penalty falls outside the benchmark: give the reason." in response.get_data(as_text=True)


def test_demo_disclosures_are_idempotent(ctx):
    assert demo.seed() == 0  # the session's seed added them already
    numbers = set(db.session.scalars(select(Disclosure.decision_number).where(
        Disclosure.decision_number.in_([row[0] for row in demo.DEMO]))))
    assert numbers == {row[0] for row in demo.DEMO}
    assert db.session.scalar(select(Disclosure.state).where(
        Disclosure.decision_number == "杭余教罚〔2026〕3号")) is DisclosureState.WITHDRAWN
