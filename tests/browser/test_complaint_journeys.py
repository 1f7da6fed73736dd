"""Filing a complaint and following it, in a real Chromium on a 360-px phone."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import open_menu
from tests.support import files

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def choose_photo(page, tmp_path):
    photo = tmp_path / "IMG_20261101_093000.jpg"
    photo.write_bytes(files.jpeg_with_gps())
    return photo


def test_named_complaint_with_a_photo_then_track_and_add_to_it(phone_page, tmp_path):
    page = phone_page
    page.goto("/?lang=zh_CN")
    open_menu(page)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我要投诉举报").click()
    expect(page).to_have_title(re.compile("投诉"))

    page.get_by_label("无证无照经营").check()
    page.get_by_label("机构名录中查不到该机构（例如无证经营）").check()
    page.get_by_label("机构使用的名称").fill("小蜜蜂学习屋")
    page.get_by_label("经营地点").fill("杭州市西湖区文三路100号3楼")
    page.get_by_label("所在区（县）").fill("330106")
    page.get_by_role("textbox", name=re.compile("^具体情况")).fill(
        "每个周末给小学生上数学课，没有任何证照，还要求家长一次预交一年学费。")
    page.get_by_label("发生时间").fill("2026-11-01")
    page.get_by_label("证据材料（选填）").set_input_files(str(choose_photo(page, tmp_path)))
    page.get_by_label("实名", exact=True).check()
    page.get_by_label("姓名").fill("王小明")
    page.get_by_label("手机号码").fill("138 1234 5678")
    page.get_by_role("button", name="提交投诉").click()

    expect(page.get_by_role("heading", name="投诉回执")).to_be_visible()
    receipt = page.locator(".receipt__code").inner_text().strip()
    assert re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", receipt)
    assert receipt not in page.url
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    page.get_by_role("link", name="办理进度查询").first.click()
    typed = " ".join(part.lower() for part in receipt.split("-"))
    page.get_by_label("查询码").fill(typed)
    page.get_by_role("button", name="查询案件").click()
    expect(page.get_by_text("已登记").first).to_be_visible()
    expect(page.get_by_text("投诉已登记")).to_be_visible()
    expect(page.get_by_role("link", name="evidence-1.jpg")).to_be_visible()

    page.get_by_label("补充情况或留言").fill("11月8日周六又看到他们在上课。")
    page.get_by_role("button", name="提交补充材料").click()
    expect(page.get_by_text("补充材料已添加到案件中")).to_be_visible()
    expect(page.get_by_text("11月8日周六又看到他们在上课。")).to_be_visible()

    page.get_by_role("button", name="退出案件页面").click()
    expect(page.get_by_label("查询码")).to_be_visible()
    page.goto("/track/case")
    expect(page).to_have_url(re.compile(r"/track$"))


def test_anonymous_complaint_in_english_about_a_registered_institution(phone_page):
    page = phone_page
    page.goto("/institutions?q=艺术&lang=en")
    page.locator(".card__title a").first.click()
    name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Report a problem with this institution").click()
    expect(page.get_by_text(name).first).to_be_visible()

    page.get_by_label("Fees or refunds").check()
    page.get_by_role("textbox", name=re.compile("^What happened")).fill(
        "They refused to refund the remaining 20 lessons after we moved away.")
    page.get_by_label("It is still going on").check()
    page.get_by_role("button", name="Submit the complaint").click()

    expect(page.get_by_role("heading", name="Your receipt")).to_be_visible()
    receipt = page.locator(".receipt__code").inner_text().strip()
    page.get_by_role("link", name="Track a case").first.click()
    page.get_by_label("Receipt code").fill(" " + receipt.replace("-", " ").lower() + " ")
    page.get_by_role("button", name="Open my case").click()
    expect(page.get_by_text("Registered").first).to_be_visible()
    expect(page.get_by_text(name)).to_be_visible()
    expect(page.get_by_text("Anonymously")).to_be_visible()

    page.get_by_label("Add information or a message").fill("They also charged a 500 yuan material fee.")
    page.get_by_role("button", name="Add to my case").click()
    expect(page.get_by_text("Your information was added to the case.")).to_be_visible()
    expect(page.get_by_text("They also charged a 500 yuan material fee.")).to_be_visible()
    page.get_by_role("button", name="Leave the case page").click()
    expect(page.get_by_text("You have left the case page.")).to_be_visible()


def test_form_errors_are_listed_and_the_input_kept_without_javascript(phone_page_without_js):
    page = phone_page_without_js
    page.goto("/complaints/new?lang=en")
    page.get_by_role("textbox", name=re.compile("^What happened")).fill("Too short")
    page.get_by_role("button", name="Submit the complaint").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following")
    expect(page.get_by_role("textbox", name=re.compile("^What happened"))).to_have_value("Too short")
    expect(page.locator("#description-error")).to_contain_text("at least 20 characters")
