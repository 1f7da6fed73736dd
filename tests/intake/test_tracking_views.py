"""Following a case with the receipt: lookup, the case page, supplements, rating, review, leaving."""
import datetime as dt
import io
import re

import pytest

from portal.casework import lookup
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Status, TrackingGrant
from portal.extensions import db
from tests.support import files
from tests.support.complaints import form_fields, receipt_on, track
from tests.support.forms import hidden, open_form
from tests.support.pages import english_phrases, visible_text

NOT_FOUND_ZH = "未找到与该查询码对应的案件"


@pytest.fixture
def filed(client):
    """A complaint filed through the form: its receipt and case number."""
    page = client.post("/complaints/new", data={**open_form(client), **form_fields()}).get_data(as_text=True)
    return receipt_on(page)


def test_lookup_accepts_lower_case_spaces_and_no_dashes(client, filed):
    typed = "  " + filed.lower().replace("-", " ") + " "
    response = track(client, typed)
    assert response.status_code == 302 and response.headers["Location"] == "/track/case"
    page = client.get("/track/case?lang=zh_CN").get_data(as_text=True)
    assert "已登记" in page and "受理决定期限" in page and "投诉已登记" in page


def test_full_width_receipt_from_a_chinese_keyboard_is_found(client, filed):
    full_width = "".join(chr(ord(ch) + 0xFEE0) if ch.isalnum() else "－" for ch in filed.lower())
    assert track(client, full_width).status_code == 302


@pytest.mark.parametrize("typed", ["ZZZZ-ZZZZ-ZZZZ-ZZZZ", "hello", "1234", "<script>", "0" * 64, "A" * 300])
def test_wrong_unknown_and_malformed_receipts_get_one_message(client, filed, typed):
    response = track(client, typed)
    assert response.status_code == 422
    assert NOT_FOUND_ZH in response.get_data(as_text=True)


def test_lookups_are_rate_limited_and_the_429_page_says_when(client, filed):
    for _ in range(10):
        track(client, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    response = track(client, filed, lang="en")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) <= 60
    assert "You can try again in" in response.get_data(as_text=True)


def test_case_page_in_both_languages(client, filed):
    track(client, filed)
    chinese = client.get("/track/case?lang=zh_CN").get_data(as_text=True)
    assert "<title>投诉举报编号" in chinese and english_phrases(visible_text(chinese)) == []
    english = client.get("/track/case?lang=en").get_data(as_text=True)
    assert "Decision on acceptance" in english and '<html lang="en">' in english


def age_grants(app, **elapsed) -> None:
    """Move every open case page back in time, as if the reporter had walked away."""
    with app.app_context():
        for grant in db.session.query(TrackingGrant):
            grant.last_seen_at -= dt.timedelta(**elapsed)
            grant.created_at -= dt.timedelta(**elapsed)
        db.session.commit()


def test_session_ends_after_30_idle_minutes(client, app, filed):
    track(client, filed)
    assert client.get("/track/case").status_code == 200
    age_grants(app, minutes=31)
    response = client.get("/track/case")
    assert response.status_code == 302 and response.headers["Location"] == "/track"
    assert "30 分钟无操作" in client.get("/track").get_data(as_text=True)


def test_activity_keeps_the_page_open_but_not_beyond_two_hours(client, app, filed):
    track(client, filed)
    age_grants(app, minutes=20)
    assert client.get("/track/case").status_code == 200  # still within 30 idle minutes
    with app.app_context():
        for grant in db.session.query(TrackingGrant):
            grant.created_at -= dt.timedelta(hours=2)
        db.session.commit()
    assert client.get("/track/case").status_code == 302


def test_first_visit_without_a_case_gets_no_timeout_message(client):
    response = client.get("/track/case")
    assert response.status_code == 302
    assert "30 分钟无操作" not in client.get("/track").get_data(as_text=True)


def test_leave_ends_access_even_for_a_copied_cookie(client, app, filed):
    track(client, filed)
    page = client.get("/track/case").get_data(as_text=True)
    copied = client.get_cookie("session").value
    assert client.get("/track/leave").status_code == 405
    client.post("/track/leave", data={"csrf_token": hidden(page, "csrf_token")})
    assert client.get("/track/case").status_code == 302
    other = app.test_client()
    other.set_cookie("session", copied)
    assert other.get("/track/case").status_code == 302  # the grant is gone on the server


def test_session_cookie_carries_no_case_id(client, app, filed):
    import base64
    import json
    import zlib

    track(client, filed)
    raw = client.get_cookie("session").value
    payload = raw.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    data = zlib.decompress(data) if raw.startswith(".") else data
    assert set(json.loads(data)) <= {"csrf_token", "tracking_grant", "issued_forms", "posted_forms", "kept_key",
                                    "_flashes"}


def test_supplement_with_a_file_then_download_it(client, filed):
    track(client, filed)
    page = client.get("/track/case").get_data(as_text=True)
    response = client.post("/track/supplement", content_type="multipart/form-data", data={
        "csrf_token": hidden(page, "csrf_token"), "text": "他们周六还在上课，这是照片。",
        "files": [(io.BytesIO(files.jpeg_with_gps()), "sat.jpg")]})
    assert response.status_code == 302
    page = client.get("/track/case").get_data(as_text=True)
    assert "他们周六还在上课" in page and "补充材料已添加" in page
    link = re.search(r'href="(/track/files/\d+)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data.startswith(b"\xff\xd8\xff")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    assert files.MARKER.encode() not in download.data


def test_another_cases_file_is_not_found(client, app):
    """Case A has a file; following case B, A's real file id answers 404."""
    data = {**open_form(client), **form_fields(), "files": [(io.BytesIO(files.webp()), "a.webp")]}
    receipt_a = receipt_on(client.post("/complaints/new", data=data, content_type="multipart/form-data")
                           .get_data(as_text=True))
    receipt_b = receipt_on(client.post("/complaints/new", data={**open_form(client), **form_fields()})
                           .get_data(as_text=True))
    track(client, receipt_a)
    link = re.search(r'href="(/track/files/\d+)"', client.get("/track/case").get_data(as_text=True)).group(1)
    assert client.get(link).status_code == 200
    track(client, receipt_b)
    assert client.get(link).status_code == 404


def test_supplement_error_keeps_the_page(client, filed):
    track(client, filed)
    page = client.get("/track/case").get_data(as_text=True)
    response = client.post("/track/supplement", data={"csrf_token": hidden(page, "csrf_token"), "text": ""})
    assert response.status_code == 422 and "请填写要补充的内容" in response.get_data(as_text=True)


def test_a_supplement_sent_back_for_correction_counts_as_activity_and_stores_nothing(client, app, filed):
    track(client, filed)
    page = client.get("/track/case").get_data(as_text=True)
    with app.app_context():
        events = db.session.query(ComplaintEvent).count()
    age_grants(app, minutes=20)
    response = client.post("/track/supplement", data={"csrf_token": hidden(page, "csrf_token"), "text": ""})
    assert response.status_code == 422
    age_grants(app, minutes=20)  # 40 minutes since the page was opened, 20 since the form came back
    assert client.get("/track/case").status_code == 200
    with app.app_context():
        assert db.session.query(ComplaintEvent).count() == events


def conclude_tracked(app, receipt):

    with app.app_context():
        complaint = lookup.find_by_receipt(receipt)
        complaint.status = Status.CONCLUDED
        complaint.replied_at = dt.datetime.now(dt.timezone.utc)
        db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.CONCLUDED,
                                      body="经查属实，已责令该机构停止培训并退还费用。"))
        db.session.commit()


def test_reply_rating_and_review_after_a_satisfied_rating(client, app, filed):
    conclude_tracked(app, filed)
    track(client, filed)
    page = client.get("/track/case?lang=zh_CN").get_data(as_text=True)
    assert "书面答复" in page and "已责令该机构停止培训" in page and "评价办理结果" in page
    assert client.post("/track/rating", data={"csrf_token": hidden(page, "csrf_token")}).status_code == 422
    response = client.post("/track/rating", data={"csrf_token": hidden(page, "csrf_token"),
                                                  "rating": "satisfied", "comment": "态度很好"})
    assert response.status_code == 302
    page = client.get("/track/case").get_data(as_text=True)
    assert "申请复查" in page and "评价办理结果" not in page
    response = client.post("/track/review", data={"csrf_token": hidden(page, "csrf_token"),
                                                  "reason": "至今没有收到退费，答复与事实不符。"})
    assert response.status_code == 302
    page = client.get("/track/case").get_data(as_text=True)
    assert "已申请复查" in page and "复查申请已记录" in page
    with app.app_context():
        assert db.session.query(Complaint).filter(Complaint.review_requested_at.is_not(None)).count() >= 1


def test_rating_before_conclusion_is_refused(client, filed):
    track(client, filed)
    page = client.get("/track/case").get_data(as_text=True)
    assert "评价办理结果" not in page
    response = client.post("/track/rating", data={"csrf_token": hidden(page, "csrf_token"), "rating": "satisfied"})
    assert response.status_code == 409


def supplement(client, text="补充说明：他们周六还在上课。", upload=None):
    page = client.get("/track/case").get_data(as_text=True)
    data = {"csrf_token": hidden(page, "csrf_token"), "text": text}
    if upload is not None:
        data["files"] = upload
    return client.post("/track/supplement?lang=en", data=data, content_type="multipart/form-data")


def test_a_case_takes_a_bounded_number_of_additions_and_files(client, app, filed):
    from portal.intake import tracking

    track(client, filed)
    with app.app_context():
        complaint = lookup.find_by_receipt(filed)
        for _ in range(tracking.MAX_SUPPLEMENTS - 1):
            tracking.add_supplement(complaint, "旧的补充", [])
        db.session.commit()
    assert supplement(client).status_code == 302  # the last one the case takes
    response = supplement(client, upload=[(io.BytesIO(files.jpeg_with_gps()), "more.jpg")])
    assert response.status_code == 422
    assert "This case already has 20 additions, the most it takes" in response.get_data(as_text=True)
    assert "补充说明" in response.get_data(as_text=True)  # the text is kept


def test_a_case_refuses_files_beyond_its_count_and_size_before_decoding_them(client, app, filed, monkeypatch):
    from portal.intake import tracking

    track(client, filed)
    monkeypatch.setattr(tracking, "MAX_CASE_FILES", 2)
    three = [(io.BytesIO(files.jpeg_with_gps()), f"{n}.jpg") for n in range(3)]
    response = supplement(client, upload=three)
    assert response.status_code == 422 and "the most files it takes (2)" in response.get_data(as_text=True)
    monkeypatch.setattr(tracking, "MAX_CASE_BYTES", 100)  # smaller than one cleaned photo
    response = supplement(client, upload=[(io.BytesIO(files.jpeg_with_gps()), "big.jpg")])
    assert response.status_code == 422 and "already take up the most room" in response.get_data(as_text=True)
    with app.app_context():
        complaint = lookup.find_by_receipt(filed)
        assert db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id,
                                                          kind=EventKind.SUPPLEMENT).count() == 0


def test_one_client_sends_a_bounded_number_and_size_of_additions(client, app, filed, monkeypatch):
    track(client, filed)
    for _ in range(10):
        assert supplement(client).status_code == 302
    response = supplement(client, upload=[(io.BytesIO(files.jpeg_with_gps()), "sat.jpg")])
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "Many additions were sent from this connection" in response.get_data(as_text=True)
    # The megabytes sent count too, whatever the number of posts.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    track(other, filed)
    monkeypatch.setitem(app.config, "LIMIT_SUPPLEMENT_MEGABYTES", "2 per hour")
    padded = files.jpeg_with_gps() + b"\x00" * 1_200_000
    assert supplement(other, upload=[(io.BytesIO(padded), "a.jpg")]).status_code == 302
    response = supplement(other, upload=[(io.BytesIO(padded), "b.jpg")])
    assert response.status_code == 429
