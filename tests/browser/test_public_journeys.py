"""A parent's first visit, in a real Chromium at phone and desktop sizes."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_home_in_chinese_switch_to_english_then_find_an_institution(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_contain_text("校外培训机构")
    expect(page).to_have_title(re.compile("首页"))

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="How it works")).to_be_visible()

    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Institutions").click()
    page.get_by_label("Name or unified social credit code").fill("艺术")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".results-count")).to_contain_text("institution")
    first = page.locator(".card__title a").first
    name = first.inner_text()
    assert "艺术" in name
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_text("Unified social credit code")).to_be_visible()
    # The language chosen once is kept on later pages.
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_region_choice_works_without_javascript(phone_page_without_js):
    page = phone_page_without_js
    page.goto("/institutions?lang=zh_CN")
    page.get_by_label("所在地区").fill("朝阳")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("有多个地区相符")).to_be_visible()
    page.get_by_role("link", name=re.compile("^辽宁省朝阳市 ")).click()
    expect(page.get_by_label("所在地区")).to_have_value("辽宁省朝阳市")
    expect(page.locator(".card").first).to_contain_text("辽宁省朝阳市")


def test_pages_fit_a_phone_without_sideways_scrolling(phone_page):
    page = phone_page
    for url in ("/", "/institutions?q=培训", "/institutions/1", "/no-such-page"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"


def test_keyboard_reaches_the_skip_link_and_search(page):
    page.goto("/institutions")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id || document.activeElement.tagName")
    assert focused == "q"


def test_region_suggestions_appear_while_typing(phone_page):
    page = phone_page
    page.goto("/institutions?lang=zh_CN")
    page.get_by_label("所在地区").press_sequentially("湟中", delay=30)
    expect(page.locator("#region-options option[value='630106']")).to_have_count(1)
