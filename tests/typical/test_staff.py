"""Typical cases in the back office: drafting in Markdown, review by someone else, publication,
withdrawal, links to decisions and institutions, jurisdiction and the audit trail."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import clock, workflow
from portal.accounts.models import Role, User
from portal.disclosures.models import Disclosure, DisclosureState
from portal.extensions import db
from portal.institutions.models import Institution
from portal.security.audit import for_object
from portal.typical import service
from portal.typical.models import ArticleState, TypicalCase
from tests.support.accounts import make_account, sign_in, signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.days import local_today
from tests.support.forms import post_form
from tests.support.typical import BODY, data, draft_case


@pytest.fixture
def people(ctx):
    return {"handler": user("tc.handler", Role.HANDLER), "reviewer": user("tc.reviewer", Role.REVIEWER, "330100"),
            "other_reviewer": user("tc.reviewer2", Role.REVIEWER, "330100"),
            "far_reviewer": user("tc.reviewer3", Role.REVIEWER, "630100"),
            "far_handler": user("tc.far", Role.HANDLER, "330108")}


def published(people, **overrides) -> TypicalCase:
    case = draft_case(people["handler"], **overrides)
    service.submit(case, people["handler"])
    service.review(case, people["reviewer"], True)
    return case


def demo_disclosure(number="杭西教罚〔2026〕1号") -> Disclosure:
    return db.session.scalar(select(Disclosure).where(Disclosure.decision_number == number))


# ---- Drafting ----------------------------------------------------------------------------------

def test_a_draft_keeps_the_markdown_and_stores_sanitised_html(people):
    case = draft_case(people["handler"], title_en="Tutoring disguised as housekeeping (test)",
                      body_en_source="Hello <script>alert(1)</script> **world**")
    assert case.state is ArticleState.DRAFT and case.drafter_id == people["handler"].id
    assert case.body_source == BODY
    assert "<h2>案情</h2>" in case.body_html and "<strong>家政服务</strong>" in case.body_html
    assert "<a" not in case.body_html and "href" not in case.body_html  # the malicious link is only text
    assert case.body_en_html == "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; <strong>world</strong></p>"
    assert [r.action for r in for_object("typical_case", case.id)] == ["typical_case.drafted"]


def test_only_drafters_of_the_jurisdiction_write(people):
    with pytest.raises(workflow.StepNotAllowed):
        draft_case(people["reviewer"])
    with pytest.raises(workflow.StepNotAllowed):
        draft_case(people["far_handler"])  # Binjiang's handler, a Xihu case
    city_admin = user("tc.city.admin", Role.ADMIN, "330100")
    assert draft_case(city_admin, region_code="330100").region_code == "330100"  # the whole city


@pytest.mark.parametrize("overrides,problem", [
    ({"title": "  "}, "title"), ({"summary": ""}, "summary"), ({"body_source": " \n\n "}, "body"),
    ({"summary_en": "English only summary"}, "title_en"),
    ({"case_date": "tomorrow"}, "case_date"),
])
def test_rules_refuse_and_store_nothing(people, overrides, problem):
    if overrides.get("case_date") == "tomorrow":
        overrides = {"case_date": clock.today() + dt.timedelta(days=1)}
    before = db.session.scalar(select(func.count()).select_from(TypicalCase))
    with pytest.raises(service.InvalidDraft) as refused:
        draft_case(people["handler"], **overrides)
    assert refused.value.args[0] == problem
    assert db.session.scalar(select(func.count()).select_from(TypicalCase)) == before


def test_links_only_to_published_decisions_and_institutions_of_the_jurisdiction(people):
    handler = people["handler"]
    decision = service.find_disclosure(handler, "杭西教罚〔2026〕1号")
    assert decision.state is DisclosureState.PUBLISHED
    for number in ("杭滨教罚〔2026〕2号", "杭余教罚〔2026〕3号", "没有这个文号"):  # Binjiang; Yuhang withdrawn; none
        with pytest.raises(service.LinkNotFound):
            service.find_disclosure(handler, number)
    inside = db.session.scalar(select(Institution).where(Institution.region_code == "330106",
                                                         Institution.uscc.is_not(None)).limit(1))
    outside = db.session.scalar(select(Institution).where(Institution.region_code == "330108").limit(1))
    assert service.find_institution(handler, str(inside.id)) is inside
    assert service.find_institution(handler, inside.uscc.lower()) is inside
    for text in (str(outside.id), outside.uscc or "91330108MA0000000X", "0", "99999999999"):
        with pytest.raises(service.LinkNotFound):
            service.find_institution(handler, text)
    case = draft_case(handler, disclosure_ids=[decision.id], institution_ids=[inside.id, inside.id])
    assert case.disclosures == [decision] and case.institutions == [inside]
    with pytest.raises(service.LinkNotFound):  # ids that slipped past the form are checked again
        draft_case(handler, title="越权关联", institution_ids=[outside.id])
    assert db.session.scalar(select(TypicalCase).where(TypicalCase.title == "越权关联")) is None


# ---- Review, publication, withdrawal -----------------------------------------------------------

def test_the_drafter_cannot_review_and_another_reviewer_publishes(people):
    handler, reviewer = people["handler"], people["reviewer"]
    case = draft_case(handler)
    with pytest.raises(workflow.StepNotAllowed):  # not submitted yet
        service.review(case, reviewer, True)
    service.submit(case, handler)
    assert case.state is ArticleState.IN_REVIEW
    with pytest.raises(workflow.StepNotAllowed):
        service.review(case, handler, True)  # a handler is no reviewer
    with pytest.raises(workflow.StepNotAllowed):
        service.review(case, people["far_reviewer"], True)  # another jurisdiction
    service.review(case, reviewer, True)
    assert case.state is ArticleState.PUBLISHED and case.published_at is not None and case.reviewer_id == reviewer.id


def test_a_drafter_who_became_a_reviewer_is_refused_and_the_database_agrees(people):
    drafter = people["handler"]
    case = draft_case(drafter)
    service.submit(case, drafter)
    drafter.role = Role.REVIEWER  # moved to the reviewing office since
    db.session.flush()
    assert "approve" not in service.allowed_steps(case, drafter)
    with pytest.raises(workflow.OwnWork):
        service.review(case, drafter, True)
    assert case.state is ArticleState.IN_REVIEW
    with pytest.raises(IntegrityError), db.session.begin_nested():
        case.reviewer_id = drafter.id
        db.session.flush()


def test_a_return_needs_a_comment_and_the_draft_can_be_changed_again(people):
    case = draft_case(people["handler"])
    service.submit(case, people["handler"])
    with pytest.raises(workflow.ReasonRequired):
        service.review(case, people["reviewer"], False, "  ")
    service.review(case, people["reviewer"], False, "请补充处罚依据")
    assert case.state is ArticleState.RETURNED and case.review_comment == "请补充处罚依据"
    service.save_draft(people["handler"], data(summary="已补充处罚依据。"), case)
    service.submit(case, people["handler"])
    service.review(case, people["other_reviewer"], True)
    assert case.state is ArticleState.PUBLISHED and case.summary == "已补充处罚依据。"


def test_withdrawal_needs_a_reason_and_every_step_is_audited(people):
    case = published(people)
    with pytest.raises(workflow.ReasonRequired):
        service.withdraw(case, people["handler"], " ")
    service.withdraw(case, people["handler"], "原处罚决定已被撤销")
    assert case.state is ArticleState.WITHDRAWN and case.withdrawn_at is not None
    with pytest.raises(workflow.StepNotAllowed):
        service.withdraw(case, people["handler"], "again")
    records = for_object("typical_case", case.id)
    assert [r.action for r in records] == ["typical_case.drafted", "typical_case.submit", "typical_case.approve",
                                           "typical_case.withdraw"]
    assert records[-1].actor == f"user:{people['handler'].id}" and records[-1].reason == "原处罚决定已被撤销"
    assert records[2].actor == f"user:{people['reviewer'].id}"


def test_published_cases_beside_an_institution_and_a_decision(people):
    decision = demo_disclosure()
    institution = db.session.get(Institution, decision.institution_id)
    before = service.published_for_institution(institution.id)
    shown = published(people, title="公开的案例", disclosure_ids=[decision.id], institution_ids=[institution.id])
    draft_case(people["handler"], title="草稿案例", disclosure_ids=[decision.id], institution_ids=[institution.id])
    withdrawn = published(people, title="撤回的案例", institution_ids=[institution.id])
    service.withdraw(withdrawn, people["handler"], "撤回")
    found = service.published_for_institution(institution.id)
    assert shown in found and len(found) == len(before) + 1
    assert all(c.state is ArticleState.PUBLISHED for c in found)
    assert found[0].region.code  # the place is loaded for the caller
    assert shown in service.published_for_disclosure(decision.id)
    assert "草稿案例" not in {c.title for c in service.published_for_disclosure(decision.id)}
    assert service.published_for_institution(0) == [] and service.published_for_disclosure(2**40) == []


# ---- Pages -------------------------------------------------------------------------------------

def form_fields(**overrides) -> dict:
    values = {"region": "330106", "case_date": str(local_today() - dt.timedelta(days=2)),
              "title": "页面测试：无证培训被关闭", "summary": "家长投诉后查实无证经营。", "body": BODY,
              "title_en": "", "summary_en": "", "body_en": "", "disclosures": "", "institutions": "",
              "action": "save"}
    values.update(overrides)
    return values


def stored(app, **where) -> list[TypicalCase]:
    with app.app_context():
        return db.session.scalars(select(TypicalCase).filter_by(**where)).all()


def test_errors_sit_beside_the_fields_keep_the_input_and_store_nothing(app):
    client = signed_in_client(app, "v.handler", Role.HANDLER, "330106", "证v1", lang="en")
    assert client.get("/staff/typical-cases/new").status_code == 200
    response = post_form(client, "/staff/typical-cases/new", "/staff/typical-cases/new",
                    **form_fields(title="", summary_en="Only a summary", disclosures="杭滨教罚〔2026〕2号",
                                  case_date="2026-13-40"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the title." in page and "Give the English title too" in page
    assert "Enter the date as year-month-day" in page
    assert "家长投诉后查实无证经营。" in page and "Only a summary" in page  # input kept
    assert stored(app, summary="家长投诉后查实无证经营。") == []
    response = post_form(client, "/staff/typical-cases/new", "/staff/typical-cases/new",
                    **form_fields(disclosures="杭西教罚〔2026〕1号\n杭滨教罚〔2026〕2号", institutions="x"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not found among the published decisions of your jurisdiction: 杭滨教罚〔2026〕2号" in page
    assert "No institution of your jurisdiction with this registry number or code: x" in page
    assert stored(app, summary="家长投诉后查实无证经营。") == []


def test_preview_shows_the_sanitised_text_and_stores_nothing(app):
    client = signed_in_client(app, "v.handler2", Role.HANDLER, "330106", "证v2", lang="en")
    body = BODY + "\n\n<img src=x onerror=alert(1)> [官网](https://example.gov.cn)"
    response = post_form(client, "/staff/typical-cases/new", **form_fields(body=body, action="preview"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Preview: the text as it will be published" in page
    preview = page.split('id="preview"')[1].split("</section>")[0]
    assert "<h2>案情</h2>" in preview and '<a href="https://example.gov.cn" rel="nofollow noopener">' in preview
    assert "<img" not in preview and "&lt;img" in preview and 'href="javascript' not in preview
    assert "onerror=alert(1)&gt;" in page.split('id="preview"')[1]  # the textarea keeps what was typed
    assert stored(app, title="页面测试：无证培训被关闭") == []


def test_the_whole_flow_through_the_pages_and_another_jurisdiction_gets_404(app):
    handler = signed_in_client(app, "f.handler", Role.HANDLER, "330106", "证f1", lang="en")
    reviewer = signed_in_client(app, "f.reviewer", Role.REVIEWER, "330100", "证f2", lang="en")
    far = signed_in_client(app, "f.far", Role.HANDLER, "630103", "证f3", lang="en")
    far_reviewer = signed_in_client(app, "f.far.reviewer", Role.REVIEWER, "330200", "证f4", lang="en")
    response = post_form(handler, "/staff/typical-cases/new", **form_fields(disclosures="杭西教罚〔2026〕1号"))
    assert response.status_code == 302
    url = response.headers["Location"]
    for client in (far, far_reviewer):
        assert client.get(url).status_code == 404
        assert "页面测试" not in client.get("/staff/typical-cases").get_data(as_text=True)
    assert post_form(far, url + "/submit", "/staff/account", **{"submit-state": "draft"}).status_code == 404
    assert post_form(far, url, "/staff/account", **form_fields(title="改掉")).status_code == 404
    assert "页面测试" in handler.get("/staff/typical-cases?state=draft").get_data(as_text=True)

    assert post_form(handler, url, **form_fields(summary="改过的摘要。")).status_code == 302
    assert post_form(handler, url + "/submit", url, **{"submit-state": "draft"}).status_code == 302
    response = post_form(reviewer, url + "/review", url, **{"review-state": "in_review", "review-decision": "return"})
    assert response.status_code == 422 and "Say what must change" in response.get_data(as_text=True)
    response = post_form(reviewer, url + "/review", url, **{"review-state": "in_review", "review-decision": "approve"})
    assert response.status_code == 302
    [case] = stored(app, title="页面测试：无证培训被关闭")
    assert case.state is ArticleState.PUBLISHED and case.summary == "改过的摘要。"
    assert post_form(handler, url + "/submit", url, **{"submit-state": "draft"}).status_code == 409  # out of date
    assert post_form(far, url + "/withdraw", "/staff/account",
                **{"withdraw-state": "published", "withdraw-reason": "x"}).status_code == 404
    response = post_form(handler, url + "/withdraw", url, **{"withdraw-state": "published", "withdraw-reason": ""})
    assert response.status_code == 422
    response = post_form(handler, url + "/withdraw", url,
                         **{"withdraw-state": "published", "withdraw-reason": "文号有误"})
    assert response.status_code == 302
    page = handler.get(url).get_data(as_text=True)
    assert "Typical case withdrawn" in page and "文号有误" in page
    assert [r.action for r in for_object_in(app, case.id)] == [
        "typical_case.drafted", "typical_case.edited", "typical_case.submit", "typical_case.approve",
        "typical_case.withdraw"]


def for_object_in(app, case_id):
    with app.app_context():
        return for_object("typical_case", case_id)


def test_a_reviewer_who_wrote_the_case_sees_no_review_and_is_refused(app):
    user_id, secret = make_account(app, "own.writer", Role.HANDLER, "330106", "证own")
    with app.app_context():
        writer = db.session.get(User, user_id)
        case = draft_case(writer)
        service.submit(case, writer)
        writer.role = Role.REVIEWER
        case_id = case.id
        db.session.commit()
    client = app.test_client()
    sign_in(client, "own.writer", secret)
    client.get("/staff/account?lang=en")
    url = f"/staff/typical-cases/{case_id}"
    page = client.get(url).get_data(as_text=True)
    assert "another reviewer must review it" in page and "Record the review" not in page
    response = post_form(client, url + "/review", url, **{"review-state": "in_review", "review-decision": "approve"})
    assert response.status_code == 409
    assert len(stored(app, id=case_id, state=ArticleState.IN_REVIEW)) == 1


def test_demo_cases_are_published_linked_and_idempotent(ctx):
    from portal.typical import demo

    assert demo.seed() == 0  # the session's seed added them already
    cases = db.session.scalars(select(TypicalCase).where(TypicalCase.title.in_([row[0] for row in demo.DEMO]))
                               .options(selectinload(TypicalCase.disclosures))).all()
    assert len(cases) == 3 and all(c.state is ArticleState.PUBLISHED for c in cases)
    assert demo_disclosure() in [d for c in cases for d in c.disclosures]
