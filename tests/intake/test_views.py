"""The public complaint form and tracking pages, through the test client with CSRF on."""
import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from portal.casework.models import Attachment, Complaint
from portal.extensions import db
from tests.support import files
from tests.support.complaints import MARKER_ID, MARKER_NAME, MARKER_PHONE, case_number_on, form_fields, receipt_on
from tests.support.forms import open_form
from tests.support.pages import visible_text


def submit(client, lang="zh_CN", upload=None, **overrides):
    data = {**open_form(client), **form_fields(**overrides)}
    if upload is not None:
        data["files"] = upload
    return client.post(f"/complaints/new?lang={lang}", data=data, content_type="multipart/form-data")


def count_complaints(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Complaint))


def test_form_renders_with_every_category_explained(client):
    page = client.get("/complaints/new?lang=zh_CN").get_data(as_text=True)
    assert page.count('name="category"') == 15
    assert "假注销真经营" in page and "以家政服务、家庭教育指导" in page
    assert "15 日内决定是否受理" in page and "匿名举报" in page
    assert 'class="honeypot" aria-hidden="true"' in page


def test_anonymous_complaint_gets_a_case_number_and_receipt_once(client, app):
    before = count_complaints(app)
    response = submit(client, lang="en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", receipt_on(page))
    assert case_number_on(page).startswith("330106-")
    assert "can look it up or send it to you again" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert count_complaints(app) == before + 1


def test_receipt_never_appears_in_a_url_or_redirect(client):
    response = submit(client)
    receipt = receipt_on(response.get_data(as_text=True))
    assert "Location" not in response.headers
    assert receipt not in response.request.url and receipt.replace("-", "") not in response.request.url
    hrefs = re.findall(r'(?:href|action|src)="([^"]*)"', response.get_data(as_text=True))
    assert not any(receipt in h or receipt.replace("-", "") in h for h in hrefs)


def test_double_submit_stores_one_complaint_and_shows_the_same_receipt(client, app):
    tokens = open_form(client)
    data = {**tokens, **form_fields()}
    before = count_complaints(app)
    first = client.post("/complaints/new", data=data)
    second = client.post("/complaints/new", data=data)
    assert receipt_on(first.get_data(as_text=True)) == receipt_on(second.get_data(as_text=True))
    assert case_number_on(first.get_data(as_text=True)) == case_number_on(second.get_data(as_text=True))
    assert count_complaints(app) == before + 1
    assert "已提交" in second.get_data(as_text=True)


def test_named_complaint_with_a_photo(client, app):
    photo = (io.BytesIO(files.jpeg_with_gps()), "IMG_20261101.jpg")
    response = submit(client, upload=[photo], identity="named", name=MARKER_NAME, phone=MARKER_PHONE,
                      id_number=MARKER_ID.lower())
    assert response.status_code == 200, visible_text(response.get_data(as_text=True))[:500]
    number = case_number_on(response.get_data(as_text=True))
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.case_number == number))
        assert complaint.anonymous is False
        stored = db.session.scalar(select(Attachment).where(Attachment.complaint_id == complaint.id))
        assert stored.filename == "evidence-1.jpg" and stored.media_type == "image/jpeg"


REQUIRED_ERRORS = {
    "category": ("请选择问题类型。", "Choose the kind of problem."),
    "description": ("请说明具体情况。", "Tell us what happened."),
}


@pytest.mark.parametrize("lang,index", [("zh_CN", 0), ("en", 1)])
def test_missing_answers_are_explained_beside_each_field(client, app, lang, index):
    before = count_complaints(app)
    response = submit(client, lang=lang, category=None, description="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name, messages in REQUIRED_ERRORS.items():
        error = re.search(rf'id="{name}-error">(.*?)</p>', page, re.S).group(1)
        assert messages[index] in error
    assert count_complaints(app) == before


FIELD_ERRORS = [
    # (overrides, field, Chinese message, English message)
    ({"description": "太短了"}, "description", "请至少写 20 个字", "at least 20 characters"),
    ({"description": "长" * 5001}, "description", "请不要超过 5000 个字", "under 5000 characters"),
    ({"occurred_on": "2099-01-01"}, "occurred_on", "日期不能晚于今天", "cannot be in the future"),
    ({"occurred_on": None}, "occurred_on", "请填写日期，或勾选", "Give the date, or tick"),
    ({"occurred_on": "1999-12-31"}, "occurred_on", "2000 年 1 月 1 日以后", "after 1 January 2000"),
    ({"occurred_on": "2026-13-45"}, "occurred_on", "请按“年-月-日”填写日期", "year-month-day"),
    ({"region": "火星"}, "region", "没有与输入内容相符的地区", "No place matches"),
    ({"region": "朝阳区"}, "region", "有多个地区相符", "Several places match"),
    ({"region": ""}, "region", "请选择该机构所在的区（县）", "Choose the district or county"),
    ({"region": "330100"}, "region", "请选择区（县）一级", "Choose a district or county"),
    ({"not_listed": None, "institution_query": "不存在的机构名称"}, "institution_query",
     "名录中没有相符的机构", "No registered institution matches"),
    ({"not_listed": None, "institution_query": "培训"}, "institution_query",
     "有多家机构相符", "Several institutions match"),
    ({"not_listed": None}, "institution_query", "请填写被反映的机构", "Tell us which institution"),
    ({"institution_name": ""}, "institution_name", "请填写该机构使用的名称", "Give the name the institution uses"),
    ({"institution_address": ""}, "institution_address", "请填写经营地点", "Tell us where it operates"),
    ({"identity": "named", "name": ""}, "name", "请填写姓名，或选择匿名举报", "Give your name"),
    ({"identity": "named", "name": "王五", "phone": "12345"}, "phone", "请填写 11 位手机号码", "11-digit mobile"),
    ({"identity": "named", "name": "王五", "phone": "13812345678", "email": "not-an-email"}, "email",
     "正确的电子邮箱地址", "email address like"),
    ({"identity": "named", "name": "王五", "phone": "13812345678", "id_number": "110105194912310021"},
     "id_number", "居民身份证号码有误", "resident ID number is not valid"),
    ({"identity": "named", "name": "王五", "phone": "13812345678", "notify_by": "email"}, "email",
     "请填写电子邮箱", "Give an email address to be told by email"),
    ({"identity": "named", "name": "王五", "phone": "13812345678", "notify_by": "letter", "postal_address": "杭州"},
     "postal_address", "请填写完整的邮寄地址", "Give the full postal address"),
]


@pytest.mark.parametrize("overrides,field,zh,en", FIELD_ERRORS)
def test_each_field_error_in_both_languages_and_input_kept(client, app, overrides, field, zh, en):
    before = count_complaints(app)
    for lang, message in (("zh_CN", zh), ("en", en)):
        response = submit(client, lang=lang, **overrides)
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        error = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
        assert error and message in error.group(1)
        assert "周末给小学生上数学课" in page or "description" in overrides  # the story is kept
        assert 'value="杭州市西湖区文三路100号"' in page or "institution_address" in overrides
    assert count_complaints(app) == before


def test_upload_refusals_name_the_file_and_store_nothing(client, app):
    before = count_complaints(app)
    cases = [
        ([(io.BytesIO(files.executable()), "invoice.jpg")], "“invoice.jpg”不是 JPEG、PNG、WebP 或 PDF 文件"),
        ([(io.BytesIO(files.decompression_bomb()), "big.png")], "“big.png”像素过多"),
        ([(io.BytesIO(files.webp()), f"p{i}.webp") for i in range(6)], "每次最多上传 5 个文件"),
    ]
    for upload, message in cases:
        response = submit(client, upload=upload)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert count_complaints(app) == before


def test_a_text_part_named_files_is_not_a_server_error(client, app):
    data = {**open_form(client), **form_fields(), "files": "not a file"}
    assert client.post("/complaints/new", data=data, content_type="multipart/form-data").status_code == 200


def test_a_file_over_10_mb_is_named_in_the_message(client, app):
    big = (io.BytesIO(b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 10)), "large-photo.jpg")
    response = submit(client, upload=[big])
    assert response.status_code == 422 and "“large-photo.jpg”超过 10 MB" in response.get_data(as_text=True)


def test_request_over_25_mb_gets_the_413_page(client):
    payload = (io.BytesIO(b"\xff\xd8\xff" + b"0" * (26 * 1024 * 1024)), "huge.jpg")
    response = submit(client, lang="en", upload=[payload])
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)


def test_honeypot_filled_means_nothing_is_stored(client, app):
    before = count_complaints(app)
    assert submit(client, website="http://spam.example").status_code == 400
    assert count_complaints(app) == before


def test_expired_session_keeps_the_story_and_asks_to_send_again(client, app):
    """No CSRF token (the session was lost): the form comes back filled in, nothing stored."""
    before = count_complaints(app)
    response = client.post("/complaints/new?lang=en", data={**form_fields(), "form_token": "x" * 43})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The form had expired. Please submit it again." in page
    assert "周末给小学生上数学课" in page and 'name="csrf_token"' in page
    assert count_complaints(app) == before


def test_a_form_token_from_another_browser_does_not_reveal_the_receipt(client, app):
    tokens = open_form(client)
    first = client.post("/complaints/new", data={**tokens, **form_fields()})
    receipt = receipt_on(first.get_data(as_text=True))
    stranger = app.test_client()
    stolen = {**open_form(stranger), "form_token": tokens["form_token"]}
    response = stranger.post("/complaints/new?lang=en", data={**stolen, **form_fields()})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and receipt not in page
    assert "This form was already sent" in page and "周末给小学生上数学课" in page


def test_a_form_sent_again_too_late_loses_its_receipt_copy_for_good(client, app):
    """The 409 answer stores no complaint, but the receipt copy it found too old stays erased."""
    tokens = open_form(client)
    number = case_number_on(client.post("/complaints/new", data={**tokens, **form_fields()}).get_data(as_text=True))
    filed = select(Complaint).where(Complaint.case_number == number)
    with app.app_context():
        complaint = db.session.scalars(filed).one()
        assert complaint.receipt_replay is not None
        complaint.created_at -= dt.timedelta(minutes=20)
        db.session.commit()
    response = client.post("/complaints/new?lang=en", data={**tokens, **form_fields()})
    assert response.status_code == 409 and "This form was already sent" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(filed).one().receipt_replay is None


def test_submissions_are_rate_limited_per_client(client):
    for _ in range(5):
        assert submit(client).status_code == 200
    response = submit(client, lang="en")
    assert response.status_code == 429
    assert "Your complaint has not been sent yet" in response.get_data(as_text=True)


def test_corrections_and_retries_do_not_use_up_the_limit(client):
    for _ in range(6):
        assert submit(client, description="太短").status_code == 422
    tokens = open_form(client)
    for _ in range(3):  # one complaint, then two retries of the same form
        assert client.post("/complaints/new", data={**tokens, **form_fields()}).status_code == 200
    for _ in range(4):
        assert submit(client).status_code == 200


def test_report_link_from_an_institution_prefills_it(client):
    page = client.get("/complaints/new?institution=1&lang=zh_CN").get_data(as_text=True)
    assert 'name="institution_id" value="1"' in page and "改选其他机构" in page
