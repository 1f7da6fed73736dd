"""Cases nobody is handling, on a 360-px phone in both languages: a city administrator finds in the
inbox a case that reached a county with no handler and one a staffed county left unassigned too
long, opens the first from the list, assigns it to a handler of the city (marked with the level)
and sees it leave the list."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.extensions import db
from tests.browser.fixtures import ARTIFACTS, PHONE, staff_tab
from tests.support.accounts import make_account
from tests.support.complaints import file
from tests.support.days import local_today

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {
    "zh_CN": {"notice": re.compile(r"\d+ 件案件无人办理"), "see_all": "查看全部无人办理的案件",
              "title": "无人办理的案件", "nobody": "无人可以办理", "late": "超过 3 个工作日未指定承办人",
              "assign": "指定承办人", "level": "市级", "done": "已完成：指定承办人。"},
    "en": {"notice": re.compile(r"\d+ cases? nobody is handling"), "see_all": "See every case nobody is handling",
           "title": "Cases nobody is handling", "nobody": "Nobody can handle it",
           "late": "Unassigned for over 3 working days", "assign": "Assign a handler", "level": "City level",
           "done": "Done: Assign a handler."},
}


def no_sideways_scrolling(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_city_finds_and_assigns_a_case_nobody_can_handle(chromium, live_server, live_app, lang):
    words, who = WORDS[lang], lang[:2]
    _a, admin_secret = make_account(live_app, f"esc.admin.{who}", Role.ADMIN, "330100")
    handler_id, _s = make_account(live_app, f"esc.city.{who}", Role.HANDLER, "330100", f"浙杭执字88{len(lang)}",
                                  display_name=f"钱城{len(lang)}")
    with live_app.app_context():
        today = local_today()
        unstaffed = file(region_code="330108", received_on=today).complaint  # 滨江区: no handler
        late = file(region_code="330106", received_on=today - dt.timedelta(days=21)).complaint  # 西湖区: unassigned
        db.session.commit()
        unstaffed_number, late_number = unstaffed.case_number, late.case_number

    tab = staff_tab(chromium, live_server, f"esc.admin.{who}", admin_secret)
    tab.set_viewport_size(PHONE)
    tab.goto(f"/staff/cases?lang={lang}")
    notice = tab.locator("section.escalation")
    expect(notice.get_by_role("heading", name=words["notice"])).to_be_visible()
    no_sideways_scrolling(tab)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"escalation-inbox-{lang}.png"))

    notice.get_by_role("link", name=words["see_all"]).click()
    expect(tab).to_have_title(re.compile(words["title"]))
    unstaffed_card = tab.locator("li.card", has=tab.get_by_role("link", name=unstaffed_number))
    expect(unstaffed_card.get_by_text(words["nobody"], exact=True)).to_be_visible()
    late_card = tab.locator("li.card", has=tab.get_by_role("link", name=late_number))
    expect(late_card.get_by_text(words["late"])).to_be_visible()
    no_sideways_scrolling(tab)
    tab.screenshot(path=str(ARTIFACTS / f"escalation-list-{lang}.png"), full_page=True)

    unstaffed_card.get_by_role("link", name=unstaffed_number).click()
    tab.get_by_text(words["assign"], exact=True).first.click()  # opens the step
    choice = tab.get_by_label(re.compile("承办人|Handler"))
    option = choice.locator(f'option[value="{handler_id}"]')
    expect(option).to_have_text(re.compile(rf"^{words['level']} · 钱城{len(lang)}（浙杭执字88{len(lang)}）$"))
    choice.select_option(str(handler_id))
    no_sideways_scrolling(tab)
    tab.screenshot(path=str(ARTIFACTS / f"escalation-assign-{lang}.png"), full_page=True)
    tab.get_by_role("button", name=words["assign"]).click()
    expect(tab.get_by_text(words["done"])).to_be_visible()

    tab.goto(f"/staff/cases/unhandled?lang={lang}")
    expect(tab.get_by_role("link", name=unstaffed_number)).to_have_count(0)
    expect(tab.get_by_role("link", name=late_number)).to_be_visible()
