"""The open data API: the same rules as the pages, JSON errors with the right statuses, and an
OpenAPI document that matches the routes."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pytest
from sqlalchemy import func, select

from portal.api import openapi
from portal.casework.models import Complaint
from portal.extensions import db
from portal.intake import filing
from tests.support.complaints import MARKER_EMAIL, MARKER_ID, MARKER_NAME, MARKER_PHONE, all_stored_values

BODY = {"category": "unlicensed", "institution_name": "小蜜蜂学习屋", "institution_address": "杭州市西湖区文三路100号",
        "region": "330106", "description": "周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
        "occurred_on": "2026-11-01", "identity": "anonymous"}
EN = {"Accept-Language": "en"}


def post(client, path: str, body, key: str | None = None, address: str = "127.0.0.1", **headers):
    if key:
        headers["Idempotency-Key"] = key
    return client.post(path, data=json.dumps(body, ensure_ascii=False).encode(), content_type="application/json",
                       headers=headers, environ_base={"REMOTE_ADDR": address})


def complaints_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Complaint))


def test_lists_are_utf8_json_with_pages_and_next_links(client):
    response = client.get("/api/v1/regions?parent=330100")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "西湖区".encode() in response.data  # characters, not \u escapes
    codes = [item["code"] for item in response.get_json()["items"]]
    assert "330106" in codes and all(code.startswith("3301") for code in codes)

    first = client.get("/api/v1/institutions?region=330100").get_json()
    assert first["page"] == 1 and first["total"] > first["page_size"]
    assert first["next"] == "/api/v1/institutions?region=330100&page=2" and first["previous"] is None
    second = client.get(first["next"]).get_json()
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


def test_institution_search_gives_what_the_page_gives(client):
    api = client.get("/api/v1/institutions?q=艺术").get_json()
    page = client.get("/institutions?q=艺术").get_data(as_text=True)
    assert api["total"] > 0
    for item in api["items"]:
        assert f'/institutions/{item["id"]}"' in page


def test_disclosures_list_matches_the_page_and_dates_and_money_are_iso_and_decimal(client):
    api = client.get("/api/v1/disclosures").get_json()
    page = client.get("/disclosures").get_data(as_text=True)
    assert api["total"] == len(re.findall(r'href="/disclosures/\d+"', page))
    item = api["items"][0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["decision_date"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00", item["published_at"])
    fined = [i for i in api["items"] if i["fine_amount"] is not None]
    assert fined and all(re.fullmatch(r"\d+\.\d{2}", i["fine_amount"]) for i in fined)
    one = client.get(f"/api/v1/disclosures/{item['id']}").get_json()
    assert one["decision_number"] == item["decision_number"]


@pytest.mark.parametrize("url, status, code", [
    ("/api/v1/institutions?page=0", 400, "invalid_parameter"),
    ("/api/v1/institutions?page=abc", 400, "invalid_parameter"),
    ("/api/v1/institutions?region=33", 400, "invalid_parameter"),
    ("/api/v1/institutions?region=999999", 400, "invalid_parameter"),
    ("/api/v1/institutions?kind=magic", 400, "invalid_parameter"),
    ("/api/v1/institutions?q=" + "字" * 101, 400, "invalid_parameter"),
    ("/api/v1/disclosures?decided_from=2026-02-30", 400, "invalid_parameter"),
    ("/api/v1/disclosures?decided_from=2026-05-01&decided_to=2026-04-01", 400, "invalid_parameter"),
    ("/api/v1/disclosures/2147483648", 404, "not_found"),
    ("/api/v1/disclosures/999999", 404, "not_found"),
    ("/api/v1/institutions/999999", 404, "not_found"),
    ("/api/v1/no-such-thing", 404, "not_found"),
])
def test_bad_requests_get_json_errors_with_the_right_status(client, url, status, code):
    response = client.get(url, headers=EN)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_wrong_method_is_405_in_json(client):
    response = client.delete("/api/v1/disclosures")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_error_messages_follow_the_request_language(client):
    zh = client.get("/api/v1/institutions?page=0").get_json()["error"]["message"]
    en = client.get("/api/v1/institutions?page=0", headers=EN).get_json()["error"]["message"]
    assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en)


def test_filing_returns_the_receipt_once_and_needs_no_cookie(client, ctx):
    before = complaints_count()
    response = post(client, "/api/v1/complaints", BODY, key="key-0001-abcdefgh")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", body["receipt"])
    assert re.fullmatch(r"330106-\d{8}-\d{4}", body["case_number"])
    assert body["status"]["code"] == "registered"
    assert "Set-Cookie" not in response.headers
    assert complaints_count() == before + 1


def test_a_retry_with_the_same_key_gets_the_same_answer_and_files_nothing(client, ctx):
    first = post(client, "/api/v1/complaints", BODY, key="retry-key-123456")
    before = complaints_count()
    again = post(client, "/api/v1/complaints", BODY, key="retry-key-123456")
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert complaints_count() == before


def test_the_same_key_with_a_different_body_is_422(client, ctx):
    post(client, "/api/v1/complaints", BODY, key="reused-key-987654")
    before = complaints_count()
    changed = post(client, "/api/v1/complaints", {**BODY, "category": "advertising"}, key="reused-key-987654",
                   **EN)
    assert changed.status_code == 422
    assert changed.get_json()["error"]["code"] == "idempotency_key_reused"
    assert complaints_count() == before


def test_another_client_using_the_same_key_never_gets_the_first_receipt(client, ctx):
    first = post(client, "/api/v1/complaints", BODY, key="shared-key-0000000001").get_json()
    before = complaints_count()
    other = post(client, "/api/v1/complaints", BODY, key="shared-key-0000000001", address="10.9.8.7")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert other.get_json()["receipt"] != first["receipt"]
    assert complaints_count() == before + 1


def test_the_same_story_from_someone_else_is_not_a_retry(client, ctx):
    named = {**BODY, "identity": "named", "name": "王小明", "phone": "13812345678"}
    first = post(client, "/api/v1/complaints", named, key="identity-key-00000001").get_json()
    someone_else = post(client, "/api/v1/complaints", {**named, "name": "李大山", "phone": "13912345678"},
                        key="identity-key-00000001")
    assert someone_else.status_code == 422 and first["receipt"] not in someone_else.get_data(as_text=True)
    assert someone_else.get_json()["error"]["code"] == "idempotency_key_reused"


def test_without_a_key_each_request_is_a_new_complaint(client, ctx):
    before = complaints_count()
    assert post(client, "/api/v1/complaints", BODY).status_code == 201
    assert post(client, "/api/v1/complaints", BODY).status_code == 201
    assert complaints_count() == before + 2


def test_a_retry_after_the_replay_window_is_409_and_the_receipt_is_not_kept_any_longer(client, app):
    first = post(client, "/api/v1/complaints", BODY, key="late-retry-key-000001").get_json()
    by_number = select(Complaint).where(Complaint.case_number == first["case_number"])
    with app.app_context():
        complaint = db.session.scalar(by_number)
        complaint.created_at -= filing.REPLAY_WINDOW + dt.timedelta(minutes=1)
        db.session.commit()
    late = post(client, "/api/v1/complaints", BODY, key="late-retry-key-000001")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "already_filed"
    assert first["receipt"] not in late.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(by_number).receipt_replay is None  # cleared for good although refused


def test_a_malformed_key_is_refused(client):
    response = post(client, "/api/v1/complaints", BODY, key="fifteen-chars-1")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_idempotency_key"


def test_the_forms_rules_apply_with_messages_per_field(client, ctx):
    before = complaints_count()
    response = post(client, "/api/v1/complaints",
                    {**BODY, "description": "太短", "identity": "named", "phone": "123"}, **EN)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert fields["description"] == ["Please write at least 20 characters so we can act on it."]
    assert "name" in fields and "phone" in fields
    unlisted = post(client, "/api/v1/complaints", {k: v for k, v in BODY.items() if k != "region"}, **EN)
    assert "region" in unlisted.get_json()["error"]["fields"]
    assert complaints_count() == before


def test_wrong_types_and_unknown_fields_are_named(client):
    response = post(client, "/api/v1/complaints", {**BODY, "ongoing": "yes", "institution_id": "7", "extra": 1},
                    **EN)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"ongoing", "institution_id", "extra"}
    assert post(client, "/api/v1/complaints", ["not", "an", "object"]).status_code == 422


def test_an_anonymous_report_with_an_overlong_named_field_is_refused_and_nothing_filed(client, ctx):
    """The form drops named fields unread from an anonymous report; the API still keeps its document."""
    before = complaints_count()
    response = post(client, "/api/v1/complaints", {**BODY, "id_number": "1" * 31, "name": "名" * 51}, **EN)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"id_number", "name"}
    assert "under 30 characters" in response.get_json()["error"]["fields"]["id_number"][0]
    db.session.rollback()
    assert complaints_count() == before


def test_a_registry_institution_can_be_named_by_id(client):
    institution = client.get("/api/v1/institutions?q=艺术").get_json()["items"][0]
    body = {k: v for k, v in BODY.items() if k not in ("institution_name", "institution_address", "region")}
    response = post(client, "/api/v1/complaints", {**body, "institution_id": institution["id"]})
    assert response.status_code == 201
    missing = post(client, "/api/v1/complaints", {**body, "institution_id": 2_000_000}, **EN)
    assert missing.status_code == 422 and "institution_id" in missing.get_json()["error"]["fields"]


def test_form_encoded_bodies_are_refused(client):
    response = client.post("/api/v1/complaints", data=BODY)
    assert response.status_code == 415 and response.get_json()["error"]["code"] == "unsupported_media_type"


def test_malformed_json_is_400_and_a_huge_body_413(client):
    bad = client.post("/api/v1/complaints", data=b"{not json", content_type="application/json")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_json"
    huge = client.post("/api/v1/complaints", data=b'{"description": "' + b"x" * 70_000 + b'"}',
                       content_type="application/json")
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "payload_too_large"


def test_a_named_reporters_identity_is_sealed(client, ctx, caplog):
    caplog.set_level(logging.DEBUG)
    named = {**BODY, "identity": "named", "name": MARKER_NAME, "phone": MARKER_PHONE, "email": MARKER_EMAIL,
             "id_number": MARKER_ID, "notify": True}
    response = post(client, "/api/v1/complaints", named)
    assert response.status_code == 201
    receipt = response.get_json()["receipt"]
    status = post(client, "/api/v1/complaints/status", {"receipt": receipt}).get_data(as_text=True)
    stored = b"\n".join(all_stored_values(db.session.connection()))
    for marker in (MARKER_NAME, MARKER_PHONE, MARKER_EMAIL, MARKER_ID, receipt):
        assert marker.encode() not in stored
        assert marker not in caplog.text
    for marker in (MARKER_NAME, MARKER_PHONE, MARKER_EMAIL, MARKER_ID, receipt):
        assert marker not in status


def test_status_by_receipt_shows_the_public_timeline(client):
    filed = post(client, "/api/v1/complaints", BODY).get_json()
    response = post(client, "/api/v1/complaints/status", {"receipt": filed["receipt"].lower().replace("-", " ")}, **EN)
    assert response.status_code == 200
    body = response.get_json()
    assert body["case_number"] == filed["case_number"]
    assert body["status"]["code"] == "registered" and body["reply"] is None
    assert [entry["kind"]["code"] for entry in body["timeline"]] == ["registered"]
    assert body["next_deadline"]["date"] == filed["acceptance_due"]


def test_status_with_an_unknown_receipt_is_404_and_extra_fields_422(client):
    unknown = post(client, "/api/v1/complaints/status", {"receipt": "AAAA-BBBB-CCCC-DDDD"})
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    assert post(client, "/api/v1/complaints/status", {"receipt": 12}).status_code == 422
    assert post(client, "/api/v1/complaints/status", {"receipt": "x", "case": "y"}).status_code == 422


def test_filing_is_rate_limited_like_the_form(client, app):
    app.config["LIMIT_COMPLAINT_SUBMIT"] = "2 per hour"
    try:
        responses = [post(client, "/api/v1/complaints", BODY) for _ in range(3)]
    finally:
        app.config["LIMIT_COMPLAINT_SUBMIT"] = "5 per hour"
    assert [response.status_code for response in responses] == [201, 201, 429]
    limited = responses[-1]
    assert limited.get_json()["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) > 0


def test_every_route_is_documented_and_every_documented_route_exists(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(path, method) for path, item in openapi.document()["paths"].items() for method in item}
    assert routes == documented


def test_the_document_is_openapi_3_1_with_chinese_examples(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    text = json.dumps(document, ensure_ascii=False)
    assert "小蜜蜂学习屋" in text and "西湖区" in text


def test_the_guide_page_is_in_chinese_and_english(client):
    from tests.support.pages import english_phrases, visible_text

    zh = client.get("/api?lang=zh_CN").get_data(as_text=True)
    assert "<title>" in zh and "curl" in zh
    prose = re.sub(r"<pre.*?</pre>|<code>.*?</code>", "", zh, flags=re.S)
    assert english_phrases(visible_text(prose)) == []
    en = client.get("/api?lang=en").get_data(as_text=True)
    assert "Open data API" in en


@pytest.mark.parametrize("query", ["", "q=西", "q=培训", "reason=unlicensed", "region=630000", "removed=true",
                                   "q=西宁&removed=true"])
def test_blacklist_api_and_page_list_the_same_entries(client, query):
    api = client.get(f"/api/v1/blacklist?{query}").get_json()
    page = client.get(f"/blacklist?{query.replace('removed=true', 'removed=y')}").get_data(as_text=True)
    page_ids = [int(i) for i in re.findall(r'href="/blacklist/(\d+)"', page)]
    api_ids = [item["id"] for item in api["items"]]
    assert api_ids == list(dict.fromkeys(page_ids))
    if query == "removed=true":
        assert any(item["status"]["code"] == "removed" for item in api["items"])


def test_blacklist_entry_has_its_public_history(client):
    listed = client.get("/api/v1/blacklist?removed=true").get_json()["items"]
    removed = next(item for item in listed if item["status"]["code"] == "removed")
    entry = client.get(f"/api/v1/blacklist/{removed['id']}").get_json()
    assert entry["removed_on"] and entry["removal_reason"]
    assert entry["history"] and all(step["at"].endswith("+08:00") for step in entry["history"])
    assert client.get("/api/v1/blacklist/999999").status_code == 404


def test_whitelisted_only_matches_the_page(client):
    api = client.get("/api/v1/institutions?region=330100&whitelisted=true").get_json()
    assert api["total"] > 0 and all(item["whitelisted"] is True for item in api["items"])
    page = client.get("/institutions?region=330100&whitelisted=y").get_data(as_text=True)
    assert [item["id"] for item in api["items"]] == [int(i) for i in re.findall(r'href="/institutions/(\d+)"', page)]
    everyone = client.get("/api/v1/institutions?region=330100").get_json()
    assert everyone["total"] > api["total"]


def test_the_api_and_the_form_share_one_allowance(client, app):
    from tests.support.complaints import form_fields
    from tests.support.forms import open_form

    app.config["LIMIT_COMPLAINT_SUBMIT"] = "2 per hour"
    try:
        assert [post(client, "/api/v1/complaints", BODY).status_code for _ in range(2)] == [201, 201]
        form = client.post("/complaints/new", data={**open_form(client), **form_fields()})
    finally:
        app.config["LIMIT_COMPLAINT_SUBMIT"] = "5 per hour"
    assert form.status_code == 429
