"""The receipt page: a summary of what was filed (never the identity), a print button that works
without a script, the language switch (the receipt again in the other language, for the browser
that filed, for minutes); and the case page showing the rating already given."""
import datetime as dt

from portal.casework import lookup
from portal.casework.models import ComplaintEvent, EventKind, Status
from portal.extensions import db
from tests.support.complaints import MARKER_NAME, MARKER_PHONE, form_fields, receipt_on, track
from tests.support.forms import hidden, open_form
from tests.support.pages import visible_text


def file_form(client, lang="zh_CN", **overrides):
    tokens = open_form(client)
    page = client.post(f"/complaints/new?lang={lang}", data={**tokens, **form_fields(**overrides)})
    return tokens["form_token"], page.get_data(as_text=True)


def conclude_tracked(app, receipt):
    with app.app_context():
        complaint = lookup.find_by_receipt(receipt)
        complaint.status, complaint.replied_at = Status.CONCLUDED, dt.datetime.now(dt.UTC)
        db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.CONCLUDED, body="经查属实。"))
        db.session.commit()


def named_fields():
    return {"identity": "named", "name": MARKER_NAME, "phone": MARKER_PHONE}


def test_the_receipt_sums_up_what_was_filed_without_the_identity(client):
    _token, page = file_form(client, **named_fields())
    text = visible_text(page)
    assert "您提交的内容" in text and "小蜜蜂学习屋" in text and "无证无照经营" in text
    assert "2026年11月1日" in text
    assert "实名" in text and MARKER_NAME not in page and MARKER_PHONE not in page
    assert "可通过短信验证重新获取" in text  # a named reporter can recover the code


def test_an_anonymous_receipt_says_so_and_offers_no_recovery(client):
    _token, page = file_form(client)
    text = visible_text(page)
    assert "匿名" in text and "可通过短信验证重新获取" not in text


def test_the_language_switch_shows_the_same_receipt_in_english(client):
    token, page = file_form(client)
    receipt = receipt_on(page)
    assert 'action="/complaints/receipt?lang=en"' in page
    english = client.post("/complaints/receipt?lang=en", data={"csrf_token": hidden(page, "csrf_token"),
                                                               "form_token": token})
    assert english.status_code == 200
    shown = english.get_data(as_text=True)
    assert receipt_on(shown) == receipt and "Your receipt" in shown and "What you filed" in shown
    assert 'action="/complaints/receipt?lang=zh_CN"' in shown  # and back


def test_the_print_button_works_without_a_script(client):
    token, page = file_form(client)
    assert "data-print" in page and "js/print.js" in page
    printed = client.post("/complaints/receipt", data={"csrf_token": hidden(page, "csrf_token"),
                                                       "form_token": token, "print": "1"})
    assert printed.status_code == 200
    shown = printed.get_data(as_text=True)
    assert receipt_on(shown) == receipt_on(page) and "本页已适合打印" in shown


def test_another_browser_or_a_late_request_gets_no_receipt(client, app):
    token, page = file_form(client)
    other = app.test_client()
    stranger = other.post("/complaints/receipt?lang=en", data={**open_form(other, "/track"), "form_token": token})
    assert stranger.status_code == 302 and stranger.headers["Location"] == "/track"
    with app.app_context():
        complaint = lookup.find_by_receipt(receipt_on(page))
        complaint.created_at = complaint.created_at - dt.timedelta(hours=1)
        db.session.commit()
    late = client.post("/complaints/receipt?lang=en", data={"csrf_token": hidden(page, "csrf_token"),
                                                            "form_token": token})
    assert late.status_code == 302 and late.headers["Location"] == "/track"
    assert receipt_on(page) not in client.get("/track").get_data(as_text=True)


def test_the_case_page_shows_the_rating_already_given_instead_of_asking_again(client, app):
    _token, page = file_form(client)
    receipt = receipt_on(page)
    conclude_tracked(app, receipt)
    track(client, receipt)
    case = client.get("/track/case?lang=zh_CN").get_data(as_text=True)
    client.post("/track/rating", data={"csrf_token": hidden(case, "csrf_token"), "rating": "basically_satisfied"})
    case = visible_text(client.get("/track/case?lang=zh_CN").get_data(as_text=True))
    assert "评价办理结果" not in case
    assert "您的评价" in case and "基本满意" in case
    with app.app_context():
        assert lookup.find_by_receipt(receipt).rating.value == "basically_satisfied"
