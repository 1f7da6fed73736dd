"""The back office's casework pages: inbox, registration, the case page and its steps."""
import datetime as dt
import re

import pytest

from portal import clock
from portal.accounts.models import Role
from portal.casework import lookup
from portal.casework import service as casework_service
from portal.casework.models import Complaint, EventKind, Rating, ReviewStage, Source, Status
from portal.casework.timeline import public_timeline as timeline_of
from portal.casework.timeline import written_reply
from portal.extensions import db
from portal.intake import tracking
from portal.security import audit
from tests.support.accounts import make_account, signed_in_client
from tests.support.complaints import file, form_fields
from tests.support.forms import hidden, open_form
from tests.support.institutions import institution
from tests.support.notices import REPLY_STEPS, issue_reply


@pytest.fixture
def handler(signed_in):
    return signed_in(Role.HANDLER, "330106", username="xh.handler", certificate="浙杭执字0042")


def filed(app, **overrides):
    with app.app_context():
        result = file(**overrides)
        db.session.commit()
        return result.complaint.id, result.complaint.case_number, result.receipt


def post_step(client, complaint_id, name, **fields):
    if name in REPLY_STEPS:  # a written reply is previewed, then confirmed (portal/notices)
        return issue_reply(client, complaint_id, name, **fields)
    page = client.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    return client.post(f"/staff/cases/{complaint_id}/steps/{name}",
                       data={"csrf_token": hidden(page, "csrf_token"),
                             **{f"{name}-{key}": value for key, value in fields.items()}})


def test_inbox_lists_the_jurisdictions_cases_nearest_deadline_first(app, handler):
    late, late_number, _ = filed(app, received_on=dt.date(2026, 11, 1))
    early, early_number, _ = filed(app, received_on=dt.date(2026, 11, 20))
    _elsewhere, elsewhere_number, _ = filed(app, region_code="630103")
    page = handler.get("/staff/cases?lang=en").get_data(as_text=True)
    assert late_number in page and early_number in page and elsewhere_number not in page
    assert page.index(late_number) < page.index(early_number)
    assert "Overdue" in page  # received 1 November: acceptance was due on the 16th


def test_inbox_filters_and_search(app, handler):
    _, phone_number, _ = filed(app, source=Source.PHONE, institution_name="星光艺术培训")
    _, online_number, _ = filed(app)
    page = handler.get("/staff/cases?source=phone").get_data(as_text=True)
    assert phone_number in page and online_number not in page
    page = handler.get("/staff/cases?q=星光").get_data(as_text=True)
    assert phone_number in page and online_number not in page
    page = handler.get(f"/staff/cases?q={online_number[:15]}").get_data(as_text=True)
    assert online_number in page
    page = handler.get("/staff/cases?status=accepted").get_data(as_text=True)
    assert phone_number not in page and online_number not in page
    response = handler.get("/staff/cases?due=overdue&status=nonsense&county=x&assignee=';--")
    assert response.status_code == 200  # unknown values are ignored


def test_inbox_finds_a_registered_institution_by_part_of_its_name(app, handler):
    with app.app_context():
        whale = institution(name="西湖区鲸鱼座艺术培训学校").id
        dolphin = institution(name="西湖区海豚湾艺术培训学校").id
        db.session.commit()
    _, whale_number, _ = filed(app, institution_id=whale, institution_name="")
    _, dolphin_number, _ = filed(app, institution_id=dolphin, institution_name="")
    _, named_number, _ = filed(app, institution_name="鲸鱼座托管班")  # known only by the name given
    page = handler.get("/staff/cases?q=鲸鱼座").get_data(as_text=True)
    assert whale_number in page and named_number in page and dolphin_number not in page
    page = handler.get("/staff/cases?q=鲸鱼座艺术").get_data(as_text=True)  # longer than a gram: rechecked
    assert whale_number in page and named_number not in page and dolphin_number not in page


def test_inbox_counts_and_due_soon(app, handler):
    with app.app_context():
        today = clock.today()
    _, soon_number, _ = filed(app, received_on=today - dt.timedelta(days=14))
    _, later_number, _ = filed(app, received_on=today)
    page = handler.get("/staff/cases?due=soon").get_data(as_text=True)
    assert soon_number in page and later_number not in page


def test_inbox_query_count_does_not_grow_with_cases(app, handler, count_queries):
    for _ in range(2):
        filed(app, institution_name="甲")
    with count_queries() as few:
        assert handler.get("/staff/cases").status_code == 200
    for _ in range(8):
        filed(app, institution_name="乙")
    with count_queries() as many:
        assert handler.get("/staff/cases").status_code == 200
    assert many.count <= few.count  # (fewer when the demo's refund disputes, with their marks, left the page)


def test_case_page_shows_a_pseudonym_not_the_identity(app, handler):
    from tests.support.complaints import MARKER_NAME, MARKER_PHONE, named_identity
    complaint_id, number, _ = filed(app, identity=named_identity())
    page = handler.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert number in page and "Reporter " in page and "named (identity sealed)" in page
    assert MARKER_NAME not in page and MARKER_PHONE not in page


def test_another_jurisdictions_case_is_not_found(app, handler):
    complaint_id, _, _ = filed(app, region_code="630103")
    assert handler.get(f"/staff/cases/{complaint_id}").status_code == 404
    page = handler.get("/staff/cases").get_data(as_text=True)
    response = handler.post(f"/staff/cases/{complaint_id}/steps/accept",
                            data={"csrf_token": hidden(page, "csrf_token")})
    assert response.status_code == 404
    assert handler.get(f"/staff/cases/{complaint_id}/files/1").status_code == 404
    assert handler.get("/staff/cases/99999999999").status_code == 404


def test_accept_then_conclude_records_the_reply_for_the_reporter(app, handler):
    complaint_id, _, receipt = filed(app)
    assert post_step(handler, complaint_id, "accept").status_code == 302
    response = post_step(handler, complaint_id, "conclude", text="")
    assert response.status_code == 422 and 'id="conclude-text-error"' in response.get_data(as_text=True)
    assert post_step(handler, complaint_id, "conclude", text="经查属实，已责令停止办学并退费。").status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.CONCLUDED and complaint.next_due is None
        assert written_reply(complaint).body == "经查属实，已责令停止办学并退费。"
        assert "complaint.conclude" in [r.action for r in audit.for_object("complaint", complaint_id)]


def test_a_refused_step_keeps_the_input_and_stores_nothing(app, handler):
    complaint_id, _, _ = filed(app)
    post_step(handler, complaint_id, "accept")
    response = post_step(handler, complaint_id, "transfer", department="market", destination="",
                         text="需要现场核查两处教学点")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "需要现场核查两处教学点" in page
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status is Status.ACCEPTED


def test_a_step_the_state_does_not_allow_is_refused(app, handler):
    complaint_id, _, _ = filed(app)
    assert post_step(handler, complaint_id, "conclude", text="答复").status_code == 409
    assert post_step(handler, complaint_id, "no_such_step").status_code == 409


def test_assign_a_handler_and_filter_by_assignee(app, handler):
    complaint_id, number, _ = filed(app)
    assert post_step(handler, complaint_id, "assign", assignee=str(handler.user_id)).status_code == 302
    assert number in handler.get("/staff/cases?assignee=me").get_data(as_text=True)
    assert number not in handler.get("/staff/cases?assignee=none").get_data(as_text=True)
    outsider, _ = make_account(app, "xn.handler", Role.HANDLER, "630103", "青宁执字1")
    assert post_step(handler, complaint_id, "assign", assignee=str(outsider)).status_code == 422
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).assignee_id == handler.user_id  # unchanged


def test_link_a_duplicate(app, handler):
    first, first_number, _ = filed(app)
    second, _, _ = filed(app)
    elsewhere, elsewhere_number, _ = filed(app, region_code="630103")
    response = post_step(handler, second, "link", case_number=elsewhere_number)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Complaint, second).duplicate_of_id is None
    assert post_step(handler, second, "link", case_number=first_number).status_code == 302
    assert first_number in handler.get(f"/staff/cases/{second}").get_data(as_text=True)


def test_staff_register_a_phone_complaint_with_the_date_received(app, handler):
    tokens = open_form(handler, "/staff/cases/new")
    fields = form_fields(source="phone", received_on="2026-11-20")
    response = handler.post("/staff/cases/new", data={**tokens, **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    code = page.split('receipt__code mono" aria-label="')[1].split('">')[1].split("<")[0]
    with app.app_context():
        complaint = lookup.find_by_receipt(code)
        assert complaint.source is Source.PHONE and complaint.received_on == dt.date(2026, 11, 20)
        assert complaint.acceptance_due == dt.date(2026, 12, 7)  # 15 days from the 20th: Saturday → Monday
        actions = [r.action for r in audit.for_object("complaint", complaint.id)]
        assert "complaint.registered_by_staff" in actions


def test_staff_registration_validates_like_the_public_form(app, handler):
    tokens = open_form(handler, "/staff/cases/new")
    before = None
    with app.app_context():
        before = db.session.query(Complaint).count()
    fields = form_fields(source="", received_on="2030-01-01", description="太短")
    response = handler.post("/staff/cases/new", data={**tokens, **fields})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.query(Complaint).count() == before


def test_staff_cannot_register_outside_their_jurisdiction(app, handler):
    with app.app_context():
        before = db.session.query(Complaint).count()
    tokens = open_form(handler, "/staff/cases/new")
    response = handler.post("/staff/cases/new?lang=en", data={**tokens, **form_fields(source="letter",
                                                                                     received_on="2026-11-20",
                                                                                     region="630103")})
    assert response.status_code == 422
    assert "This county is outside your jurisdiction." in response.get_data(as_text=True)
    with app.app_context():  # nothing stored: no complaint, and none in the other region
        assert db.session.query(Complaint).count() == before
        assert db.session.query(Complaint).filter_by(region_code="630103", source=Source.LETTER).count() == 0


def reporter_with(app, receipt):
    """A reporter's browser with the case open on the tracking page."""
    reporter = app.test_client()
    token = open_form(reporter, "/track")["csrf_token"]
    assert reporter.post("/track?lang=en", data={"receipt": receipt, "csrf_token": token}).status_code == 302
    return reporter


def reporter_asks_for_review(reporter, reason):
    """Rate the reply unsatisfied and ask for a review, through the tracking page."""
    token = hidden(reporter.get("/track/case").get_data(as_text=True), "csrf_token")
    assert reporter.post("/track/rating", data={"csrf_token": token, "rating": "unsatisfied"}).status_code == 302
    return reporter.post("/track/review", data={"csrf_token": token, "reason": reason})


def reply_section(page: str) -> str:
    return page.split('id="reply-heading"', 1)[1].split("</section>", 1)[0]


def test_review_goes_to_the_city_and_one_re_review_is_final(app, handler):
    complaint_id, number, receipt = filed(app)
    post_step(handler, complaint_id, "accept")
    post_step(handler, complaint_id, "conclude", text="经查，该机构已停止培训。")
    reporter = reporter_with(app, receipt)
    assert reporter_asks_for_review(reporter, "机构仍在周末上课，答复不属实。").status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.UNDER_REVIEW and complaint.handling_region_code == "330100"
        assert complaint.review_stage is ReviewStage.REVIEW and complaint.next_due == complaint.review_decision_due
    # Named by stage on both sides: 复查中, and the city decides a 复查.
    assert "复查中" in reporter.get("/track/case?lang=zh_CN").get_data(as_text=True)
    # The county can no longer decide; the city can, and sees the case in its inbox.
    assert post_step(handler, complaint_id, "decide_review", text="x").status_code == 409
    city = signed_in_client(app, "hz.handler", Role.HANDLER, "330100", "浙杭执字0001")
    assert number in city.get("/staff/cases?mine=1").get_data(as_text=True)
    page = city.get(f"/staff/cases/{complaint_id}?lang=zh_CN").get_data(as_text=True)
    assert "复查中" in page and "作出复查意见" in page and "复核" not in page
    assert post_step(city, complaint_id, "decide_review", text="复查认定：责令整改并处罚。").status_code == 302
    page = reporter.get("/track/case?lang=zh_CN").get_data(as_text=True)
    assert "复查认定：责令整改并处罚。" in reply_section(page)
    assert "申请复核" in page and "第三十六条" in page and ">申请复查（" not in page
    # Once more, a re-review: the province decides it through its own case page.
    assert reporter_asks_for_review(reporter, "仍不满意，请求复核。").status_code == 302
    assert "复核中" in reporter.get("/track/case?lang=zh_CN").get_data(as_text=True)
    assert post_step(city, complaint_id, "decide_review", text="y").status_code == 409
    province = signed_in_client(app, "zj.handler", Role.HANDLER, "330000", "浙教执字0001")
    page = province.get(f"/staff/cases/{complaint_id}?lang=zh_CN").get_data(as_text=True)
    assert "复核中" in page and "作出复核意见" in page and "第三十六条" in page
    assert post_step(province, complaint_id, "decide_review", text="复核认定：维持复查意见。").status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.CONCLUDED and complaint.review_stage is ReviewStage.RE_REVIEW
        assert complaint.handling_region_code == "330000" and complaint.rating is None and complaint.next_due is None
        decided = [(e.kind, e.actor_label) for e in timeline_of(complaint)
                   if e.kind in (EventKind.REVIEW_DECIDED, EventKind.RE_REVIEW_DECIDED)]
        assert decided == [(EventKind.REVIEW_DECIDED, "hz.handler（浙杭执字0001）"),
                           (EventKind.RE_REVIEW_DECIDED, "zj.handler（浙教执字0001）")]
        asked = [e.kind for e in timeline_of(complaint) if e.kind.value.endswith("review_requested")]
        assert asked == [EventKind.REVIEW_REQUESTED, EventKind.RE_REVIEW_REQUESTED]
    page = reporter.get("/track/case").get_data(as_text=True)
    assert "复核认定：维持复查意见。" in reply_section(page) and "复查认定" not in reply_section(page)
    assert "复查认定：责令整改并处罚。" in page  # the earlier decision stays in the timeline
    # Final: the reporter may rate it, but not ask again; the province may archive it at once.
    assert reporter_asks_for_review(reporter, "复核后仍不满意，再次申请复查。").status_code == 409
    assert 'action="/track/review"' not in reporter.get("/track/case").get_data(as_text=True)
    assert post_step(province, complaint_id, "archive").status_code == 302


def test_a_reply_is_not_archived_while_the_reporter_may_still_ask_for_a_review_whatever_the_rating(app, handler):
    complaint_id, _, _ = filed(app)
    post_step(handler, complaint_id, "accept")
    post_step(handler, complaint_id, "conclude", text="经查属实，已责令停止办学并退费。")
    page = handler.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert "/steps/archive" not in page and "Reply not yet received." in page  # nothing runs yet
    response = post_step(handler, complaint_id, "archive")
    assert response.status_code == 409 and "the written reply has not reached the reporter" in \
        response.get_data(as_text=True)
    url = f"/staff/cases/{complaint_id}/reply-delivery"
    token = hidden(handler.get(url).get_data(as_text=True), "csrf_token")
    with app.app_context():
        today = clock.today()
    assert handler.post(url, data={"csrf_token": token, "how": "post", "day": today.isoformat()}).status_code == 302
    with app.app_context():
        due = tracking.review_due(db.session.get(Complaint, complaint_id)).day
    page = handler.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert "/steps/archive" not in page and "Archiving waits until" in page and "Delivered by post" in page
    response = post_step(handler, complaint_id, "archive")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This case cannot be archived yet" in page and f"{due:%B} {due.day}, {due.year}" in page
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.CONCLUDED
        tracking.rate(complaint, Rating.SATISFIED, "")
        db.session.commit()
    assert post_step(handler, complaint_id, "archive").status_code == 409  # 满意 is a measure, not a gate
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.CONCLUDED
        complaint.reply_received_on -= dt.timedelta(days=31)  # the period to ask has passed
        db.session.commit()
    assert post_step(handler, complaint_id, "archive").status_code == 302
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status is Status.ARCHIVED


def test_a_step_refused_for_a_stale_state_says_why_and_keeps_the_text(app, handler):
    complaint_id, _, _ = filed(app)
    opened = handler.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)  # still registered
    colleague = signed_in_client(app, "xh.colleague", Role.HANDLER, "330106", "浙杭执字0043")
    assert post_step(colleague, complaint_id, "accept").status_code == 302
    reason = "举报事项属于市场监管部门职责，请向西湖区市场监督管理局反映。"
    response = handler.post(f"/staff/cases/{complaint_id}/steps/not_accept",
                            data={"csrf_token": hidden(opened, "csrf_token"), "not_accept-text": reason})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "<h1>" in page and 'role="alert"' in page
    assert "“Do not accept” is not possible now: the case is Accepted." in page
    assert re.search(r"<textarea[^>]*readonly>" + reason + "</textarea>", page)
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.ACCEPTED
        assert EventKind.NOT_ACCEPTED not in [e.kind for e in timeline_of(complaint)]


@pytest.mark.parametrize("hostile", ["_method=DELETE", "_external=1", "_anchor=top", "_scheme=javascript",
                                     "_external=1&_scheme=javascript&_anchor=x", "_method=GET&_external=1"])
def test_inbox_links_carry_only_the_inbox_filters(app, handler, monkeypatch, hostile):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    filed(app)
    filed(app)
    response = handler.get(f"/staff/cases?status=registered&source=online&{hostile}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    links = re.findall(r'href="(/staff/cases[^"]*|[a-z]+:[^"]*staff/cases[^"]*)"', page)
    pager = [link for link in links if "page=2" in link]
    export = [link for link in links if link.startswith("/staff/cases.csv")]
    assert pager and export and all("status=registered" in link for link in pager + export)
    own = [link for link in links if "lang=" not in link]  # the language switch repeats the address as text
    hostile_keys = ("_method", "_external", "_anchor", "_scheme")
    assert all(link.startswith("/staff/cases") and "#" not in link and not any(key in link for key in hostile_keys)
               for link in own), own


def test_timeline_marks_internal_entries(app, handler):
    complaint_id, _, _ = filed(app)
    post_step(handler, complaint_id, "note", text="与市场监管局电话沟通")
    page = handler.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert "与市场监管局电话沟通" in page and "internal" in page
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert EventKind.NOTE not in [e.kind for e in timeline_of(complaint)]


def test_transfer_packet_has_the_facts_but_not_the_identity(app, handler):
    from tests.support.complaints import MARKER_NAME, MARKER_PHONE, named_identity
    complaint_id, number, _ = filed(app, identity=named_identity())
    post_step(handler, complaint_id, "note", text="内部：举报人曾来电")
    assert post_step(handler, complaint_id, "transfer", department="market", destination="西湖区市场监督管理局",
                     text="涉及预付费监管，属市场监管职责。").status_code == 302
    page = handler.get(f"/staff/cases/{complaint_id}/packet?lang=zh_CN").get_data(as_text=True)
    assert number in page and "市场监督管理部门：西湖区市场监督管理局" in page and "周末给小学生上数学课" in page
    assert MARKER_NAME not in page and MARKER_PHONE not in page and "内部：举报人曾来电" not in page


def test_csv_export_follows_the_filters_and_never_names_the_reporter(app, handler):
    from tests.support.complaints import MARKER_NAME, named_identity
    _, number, _ = filed(app, identity=named_identity(), institution_name="=HYPERLINK(\"x\")")
    _, other_number, _ = filed(app, source=Source.LETTER)
    response = handler.get("/staff/cases.csv?source=online&lang=zh_CN")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert text.startswith("\ufeff投诉举报编号") and number in text and other_number not in text
    assert "'=HYPERLINK" in text and MARKER_NAME not in text


def test_the_inbox_shows_when_a_case_from_12345_may_be_returned_and_the_reporter_reads_the_objection(app, handler):
    with app.app_context():
        received = clock.today()
    complaint_id, number, receipt = filed(app, received_on=received, source=Source.OTHER_OFFICE)
    _, online_number, _ = filed(app, received_on=received)
    with app.app_context():
        due = casework_service.objection_due(db.session.get(Complaint, complaint_id)).day
    page = handler.get("/staff/cases?lang=en").get_data(as_text=True)
    row = page.split(number, 1)[0].rsplit("<tr>", 1)[1]
    assert f"Return if misrouted by {due:%b} {due.day}, {due.year}" in row
    assert "Return if misrouted" not in page.split(online_number, 1)[0].rsplit("<tr>", 1)[1]
    assert post_step(handler, complaint_id, "return", text="").status_code == 422
    assert post_step(handler, complaint_id, "return", text="属于市场监管部门职责，退回交办单位。").status_code == 302
    reporter = reporter_with(app, receipt)
    page = reporter.get("/track/case?lang=zh_CN").get_data(as_text=True)
    assert "属于市场监管部门职责，退回交办单位。" in page and "已退回" in page
