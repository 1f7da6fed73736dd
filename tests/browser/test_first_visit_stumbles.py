"""The stumbles a first-time user met (issue 20), each walked at 360 px in both languages, with
and without JavaScript where it matters: the folded phone menu and the first screen, where staff
land after signing in, the supervisor certificate check, the statistics' charts, the audit
trail's names, an English typical case, and the feeds' links."""
import re
import xml.etree.ElementTree as ET

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.fixtures import DESKTOP
from tests.support.accounts import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST_SCREEN = {"width": 360, "height": 640}
WORDS = {
    "zh_CN": {"main": "主导航", "menu": "菜单", "file": "我要投诉举报", "track": "办理进度查询",
              "institutions": "机构查询", "open_case": "查询案件", "check": "查验",
              "valid": "该证书今日有效。", "cases": "案件办理", "custodian": "举报人信息保管员",
              "handler": "执法人员（承办人）", "administrator": "系统管理员", "identity_requests": "身份查看申请"},
    "en": {"main": "Main", "menu": "Menu", "file": "File a complaint", "track": "Track a case",
           "institutions": "Institutions", "open_case": "Open my case", "check": "Check",
           "valid": "This certificate is valid today.", "cases": "Cases", "custodian": "Identity custodian",
           "handler": "Enforcement officer (case handler)", "administrator": "Administrator",
           "identity_requests": "Identity requests"},
}
LANGUAGES = pytest.mark.parametrize("lang", ["zh_CN", "en"])
LANGUAGES_AND_SCRIPT = pytest.mark.parametrize(("lang", "javascript"), [
    ("zh_CN", True), ("en", True), ("zh_CN", False), ("en", False)])


@pytest.fixture
def tab(chromium, live_server):
    """`tab(javascript=True, size=FIRST_SCREEN)`: a new phone-sized tab (360×640 unless told)."""
    contexts = []

    def open_tab(javascript: bool = True, size: dict = FIRST_SCREEN):
        context = chromium.new_context(viewport=size, is_mobile=size["width"] < 500, base_url=live_server.url,
                                       java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_tab
    for context in contexts:
        context.close()


def sign_in(page, username: str, secret: str, lang: str) -> None:
    page.goto(f"/login?lang={lang}")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form button[type=submit]").click()


def in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


# ---- The phone menu and the first screen ---------------------------------------------------------

@LANGUAGES_AND_SCRIPT
def test_the_phone_menu_is_one_button_that_opens_the_whole_menu(tab, lang, javascript):
    page = tab(javascript)
    words = WORDS[lang]
    page.goto(f"/?lang={lang}")
    menu = page.get_by_role("navigation", name=words["main"])
    expect(menu).to_have_count(1)  # the wide bar is not there at all for a phone's screen reader
    expect(menu.get_by_role("link")).to_have_count(0)
    button = page.locator("summary", has_text=words["menu"])
    expect(button).to_be_visible()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 0.25 * FIRST_SCREEN["height"], header
    button.click()
    expect(menu.get_by_role("link", name=words["institutions"])).to_be_visible()
    expect(menu.get_by_role("link", name=words["file"])).to_be_visible()
    expect(menu.locator("[aria-current=page]")).to_have_count(1)
    menu.get_by_role("link", name=words["institutions"]).click()
    expect(page).to_have_url(re.compile(r"/institutions$"))
    expect(page.get_by_role("navigation", name=words["main"]).get_by_role("link")).to_have_count(0)  # folded again


@LANGUAGES
def test_the_menu_opens_from_the_keyboard(tab, lang):
    page = tab()
    page.goto(f"/?lang={lang}")
    button = page.locator("summary.menu-fold__button")
    for _ in range(8):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the menu button is not reached with Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name=WORDS[lang]["main"]).get_by_role("link").first).to_be_focused()


@LANGUAGES
def test_a_wide_screen_shows_the_whole_menu_without_a_button(tab, lang):
    page = tab(size=DESKTOP)
    page.goto(f"/?lang={lang}")
    expect(page.locator("summary.menu-fold__button")).to_be_hidden()
    menu = page.get_by_role("navigation", name=WORDS[lang]["main"])
    expect(menu).to_have_count(1)
    expect(menu.get_by_role("link", name=WORDS[lang]["institutions"])).to_be_visible()


@LANGUAGES_AND_SCRIPT
def test_each_pages_main_action_is_in_the_first_screen(tab, lang, javascript, tmp_path):
    page = tab(javascript)
    words = WORDS[lang]
    page.goto(f"/?lang={lang}")
    page.screenshot(path=str(tmp_path / f"home-{lang}-360.png"))
    for name in (words["file"], words["track"]):
        assert in_first_screen(page, page.get_by_role("main").get_by_role("link", name=name, exact=True)), name
    page.goto(f"/track?lang={lang}")
    assert in_first_screen(page, page.get_by_role("button", name=words["open_case"]))
    page.goto(f"/institutions?lang={lang}")  # the name box (Enter searches); the optional filters follow
    assert in_first_screen(page, page.get_by_role("searchbox"))
    page.goto(f"/supervisors?lang={lang}")
    assert in_first_screen(page, page.get_by_role("button", name=words["check"], exact=True))


# ---- Where staff land after signing in -----------------------------------------------------------

@pytest.mark.parametrize(("lang", "role", "region", "heading"), [
    ("zh_CN", Role.HANDLER, "330106", "cases"), ("en", Role.ADMIN, "330100", "cases"),
    ("en", Role.CUSTODIAN, "330100", "identity_requests"), ("zh_CN", Role.REVIEWER, "330100", "cases")])
def test_staff_land_where_their_work_starts(tab, live_app, lang, role, region, heading):
    username = f"land.{lang.lower()}.{role.value}"
    _id, secret = make_account(live_app, username, role, region)
    page = tab()
    sign_in(page, username, secret, lang)
    expect(page.get_by_role("heading", level=1, name=WORDS[lang][heading])).to_be_visible()


def test_a_page_that_asked_for_the_sign_in_comes_back_after_it(tab, live_app):
    _id, secret = make_account(live_app, "land.next.browser", Role.HANDLER, "330106")
    page = tab()
    page.goto("/staff/disclosures?lang=en")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.locator("#username").fill("land.next.browser")
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/disclosures(\?lang=en)?$"))


# ---- The supervisor certificate check ------------------------------------------------------------

@LANGUAGES_AND_SCRIPT
def test_a_certificate_typed_the_easy_way_is_found(tab, lang, javascript):
    page = tab(javascript)
    page.goto(f"/supervisors?lang={lang}")
    printed = page.locator("td.mono").first.inner_text().strip()  # 杭教监字〔2026〕第001号
    year, number = re.search(r"〔(\d{4})〕第0*(\d+)号", printed).groups()
    page.get_by_role("textbox").first.fill(f"杭教监字[{year}] 第{number}号")
    page.get_by_role("button", name=WORDS[lang]["check"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text=WORDS[lang]["valid"])).to_be_visible()
    expect(page.locator("td.mono")).to_have_text([printed])


# ---- The statistics' charts ----------------------------------------------------------------------

@LANGUAGES_AND_SCRIPT
def test_month_charts_open_on_the_latest_months_and_scroll_by_keyboard(tab, lang, javascript):
    page = tab(javascript)
    page.goto(f"/stats?lang={lang}")
    scrollers = page.locator(".chart__scroll--latest")
    expect(scrollers).to_have_count(2)
    for index in range(2):
        scroller = scrollers.nth(index)
        box, chart = scroller.bounding_box(), scroller.locator("svg").bounding_box()
        assert chart["width"] > box["width"]  # wider than the phone: it scrolls
        assert abs((chart["x"] + chart["width"]) - (box["x"] + box["width"])) <= 1  # the latest months show
        assert chart["x"] < box["x"]  # January is off to the left
    regions = page.locator("[role=region][tabindex='0']")
    assert regions.count() >= 5  # both month charts, the category chart and the tables
    for index in range(regions.count()):
        expect(regions.nth(index)).to_have_attribute("aria-labelledby", re.compile(r"\S"))
    first = scrollers.first
    first.focus()
    expect(first).to_be_focused()
    before = first.locator("svg").bounding_box()["x"]
    page.keyboard.press("ArrowLeft")
    for _ in range(40):  # the browser scrolls smoothly: wait until the chart has moved right
        if first.locator("svg").bounding_box()["x"] > before:
            break
        page.wait_for_timeout(50)
    else:
        pytest.fail("the arrow key did not scroll the chart back towards January")


# ---- The audit trail names people --------------------------------------------------------------

@LANGUAGES
def test_the_audit_log_and_a_case_name_people_and_roles(tab, live_app, lang):
    username = f"audit.admin.{lang.lower()}"
    _id, secret = make_account(live_app, username, Role.ADMIN, "330100", display_name=f"审计{lang}")
    page = tab()
    sign_in(page, username, secret, lang)
    page.goto(f"/staff/audit?actor={username}&lang={lang}")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text(f"审计{lang}")
    expect(row).to_contain_text(f"{WORDS[lang]['administrator']} · {username}")
    expect(page.locator("tbody")).not_to_contain_text("user:")
    # A demo case the demo handler has worked on: its audit table names people, not numbers.
    page.goto(f"/staff/cases?lang={lang}")
    page.locator("tbody a").first.click()
    audit_table = page.locator("section[aria-labelledby=h-audit] table")
    expect(audit_table).to_be_visible()
    expect(audit_table).not_to_contain_text("user:")


# ---- An English typical case ------------------------------------------------------------------

@LANGUAGES
def test_a_translated_typical_case_is_not_called_chinese_only(tab, lang):
    page = tab(False)
    page.goto("/cases?lang=en")
    page.get_by_role("link", name="Academic tutoring disguised as \"housekeeping\" penalised").click()
    whole = page.url.split("?")[0]
    page.goto("/cases?lang=en")
    page.get_by_role("link", name="Arts centre ordered to stop taking excessive prepaid fees").click()
    no_summary = page.url.split("?")[0]  # English title and text, the summary only in Chinese
    page.goto(f"{whole}?lang={lang}")
    expect(page.locator(".article-body")).to_be_visible()
    expect(page.get_by_role("note")).to_have_count(0)
    expect(page.get_by_text(re.compile("available in Chinese only|仅有中文"))).to_have_count(0)
    page.goto(f"{no_summary}?lang={lang}")
    if lang == "en":
        expect(page.get_by_text("The summary is available in Chinese only.")).to_be_visible()
        expect(page.get_by_text("This case is available in Chinese only.")).to_have_count(0)
        expect(page.locator(".article-body[lang=en]")).to_be_visible()
    else:  # a Chinese reader reads it all in Chinese, with no note
        expect(page.locator(".article-body[lang=zh-CN]")).to_be_visible()
        expect(page.get_by_text(re.compile("仅有中文"))).to_have_count(0)


# ---- The feeds link to the address the site was reached at --------------------------------------

@LANGUAGES
@pytest.mark.parametrize("feed", ["/cases.atom", "/disclosures.atom", "/blacklist.atom"])
def test_feeds_link_to_the_address_in_use(tab, live_server, live_app, lang, feed):
    assert not live_app.config["BASE_URL_SET"]  # as on a development server
    page = tab()
    response = page.request.get(f"{feed}?lang={lang}")
    assert response.ok
    root = ET.fromstring(response.body())
    hrefs = [link.get("href") for link in root.iter("{http://www.w3.org/2005/Atom}link")]
    assert hrefs and all(href.startswith(live_server.url + "/") for href in hrefs), hrefs
