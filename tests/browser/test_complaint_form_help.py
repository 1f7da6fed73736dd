"""The complaint form's help on a 360-px phone, in both languages, with and without JavaScript:
the error summary takes the focus and the chosen photos stay; the place field lists its candidates;
the named fields hide while "anonymous" is chosen; over the limit the form comes back kept."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import ARTIFACTS
from tests.support import files

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGS = ["zh_CN", "en"]
STORY = "每个周末给小学生上数学课，没有任何证照，还要求家长一次预交一年学费。"
SUMMARY = {"zh_CN": "请修改以下内容", "en": "Please correct the following"}
SUBMIT = {"zh_CN": "提交投诉", "en": "Submit the complaint"}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fill_in(page, region="330106", description=STORY) -> None:
    """Everything a valid anonymous complaint needs, by field name (the same in both languages)."""
    page.locator('input[name="category"][value="unlicensed"]').check()
    page.locator('input[name="not_listed"]').check()
    page.locator('input[name="institution_name"]').fill("小蜜蜂学习屋")
    page.locator('input[name="institution_address"]').fill("杭州市西湖区文三路100号3楼")
    page.locator('input[name="region"]').fill(region)
    page.locator('textarea[name="description"]').fill(description)
    page.locator('input[name="ongoing"]').check()


def photo(tmp_path, name="收据-20261101.jpg"):
    path = tmp_path / name
    path.write_bytes(files.jpeg_with_gps())
    return str(path)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.parametrize("lang", LANGS)
def test_errors_take_the_focus_and_the_photo_is_kept(phone_page, tmp_path, lang):
    page = phone_page
    page.goto(f"/complaints/new?lang={lang}")
    fill_in(page, description="太短了")
    page.locator('input[name="files"]').set_input_files(photo(tmp_path))
    page.get_by_role("button", name=SUBMIT[lang]).click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(SUMMARY[lang])
    expect(summary).to_be_focused()
    for link in summary.locator("a").all():  # each error leads to its field
        target = link.get_attribute("href").removeprefix("#")
        assert page.locator(f"[id='{target}']").count() == 1
    expect(page.locator("#kept-files")).to_contain_text("收据-20261101.jpg")
    no_sideways_scroll(page)
    shot(page, f"complaint-form-errors-{lang}")
    page.locator("#kept-files").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"complaint-form-kept-photo-{lang}.png"))

    summary.locator("a").first.click()
    expect(page.locator("#description")).to_be_focused()
    page.locator('textarea[name="description"]').fill(STORY)
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator(".receipt__code")).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_without_javascript_the_summary_comes_first_and_the_page_lands_on_it(phone_page_without_js, lang):
    page = phone_page_without_js
    page.goto(f"/complaints/new?lang={lang}")
    page.get_by_role("button", name=SUBMIT[lang]).click()
    assert page.url.endswith("#error-summary")
    first = page.evaluate("document.querySelector('main').firstElementChild.id || "
                          "document.querySelector('main > :not(.flashes)').id")
    assert first == "error-summary"
    expect(page.locator("#error-summary")).to_be_in_viewport()
    page.keyboard.press("Tab")  # keyboard use goes on from the summary: its first link
    assert page.evaluate("document.activeElement.closest('#error-summary') !== null")


@pytest.mark.parametrize(("lang", "javascript"), [("zh_CN", False), ("en", False), ("zh_CN", True)])
def test_the_place_candidates_are_listed_to_choose_from(request, lang, javascript):
    page = request.getfixturevalue("phone_page" if javascript else "phone_page_without_js")
    page.goto(f"/complaints/new?lang={lang}")
    fill_in(page, region="西湖区")
    page.get_by_role("button", name=SUBMIT[lang]).click()
    candidates = page.locator("#region-candidates")
    expect(candidates).to_be_visible()
    assert candidates.locator('input[type="radio"]').count() >= 2
    no_sideways_scroll(page)
    candidates.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"complaint-form-place-candidates-{lang}.png"))
    candidates.locator('input[value="330106"]').check()
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator(".receipt__code")).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_a_registered_institution_fills_in_its_county(phone_page_without_js, lang):
    page = phone_page_without_js
    page.goto(f"/institutions?q=艺术&lang={lang}")
    page.locator(".card__title a").first.click()
    page.get_by_role("link", name=re.compile("投诉举报该机构|Report a problem with this institution")).click()
    assert page.locator('input[name="region"]').input_value() != ""


@pytest.mark.parametrize(("lang", "named"), [("zh_CN", "实名"), ("en", "With my name")])
def test_named_fields_hide_while_anonymous_without_javascript(phone_page_without_js, lang, named):
    page = phone_page_without_js
    page.goto(f"/complaints/new?lang={lang}")
    expect(page.locator('input[name="name"]')).to_be_hidden()
    expect(page.locator('input[name="phone"]')).to_be_hidden()
    page.get_by_label(named, exact=True).check()
    expect(page.locator('input[name="name"]')).to_be_visible()
    page.locator('input[name="identity"][value="anonymous"]').check()
    expect(page.locator('input[name="name"]')).to_be_hidden()


@pytest.mark.parametrize(("lang", "named"), [("zh_CN", "实名"), ("en", "With my name")])
def test_named_fields_are_not_sent_while_anonymous_with_javascript(phone_page, lang, named):
    page = phone_page
    page.goto(f"/complaints/new?lang={lang}")
    page.get_by_label(named, exact=True).check()
    page.locator('input[name="name"]').fill("王小明")
    page.locator('input[name="identity"][value="anonymous"]').check()
    expect(page.locator('input[name="name"]')).to_be_hidden()
    expect(page.locator('input[name="name"]')).to_be_disabled()
    sent = page.evaluate("Array.from(new FormData(document.querySelector('form.complaint-form')).keys())")
    assert "name" not in sent and "phone" not in sent


@pytest.mark.parametrize(("lang", "words"), [
    ("zh_CN", ("您的投诉还没有提交", "12345", "起提交")),
    ("en", ("Your complaint has not been sent yet", "12345", "You can send it from")),
])
def test_over_the_limit_the_form_is_kept_with_the_time_to_send_it(phone_page, live_app, tmp_path, lang, words):
    page = phone_page
    live_app.config["LIMIT_COMPLAINT_SUBMIT"] = "1 per day"
    try:
        for _ in range(2):  # the first may still fit in the day's one
            page.goto(f"/complaints/new?lang={lang}")
            fill_in(page)
            page.locator('input[name="files"]').set_input_files(photo(tmp_path))
            page.get_by_role("button", name=SUBMIT[lang]).click()
            if page.locator("#error-summary").count():
                break
    finally:
        live_app.config["LIMIT_COMPLAINT_SUBMIT"] = "1000 per hour"
    notice = page.locator("#error-summary")
    expect(notice).to_be_focused()
    for word in words:
        expect(notice).to_contain_text(word)
    expect(notice).to_contain_text(re.compile(r"\d{1,2}:\d{2}"))
    expect(page.locator('textarea[name="description"]')).to_have_value(STORY)
    expect(page.locator("#kept-files")).to_contain_text("收据-20261101.jpg")
    no_sideways_scroll(page)
    shot(page, f"complaint-form-limit-{lang}")
