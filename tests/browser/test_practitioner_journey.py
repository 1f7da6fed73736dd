"""A staff check against the register of banned practitioners on a 360-pixel phone, in Chinese:
a handler opens the register from the menu, types a wrong check character and is told beside the
field, then checks the right number and reads that the person is under a ban in force, with the
number masked (never in full) and the page no wider than the phone."""
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.extensions import db
from tests.browser.fixtures import open_menu, staff_tab
from tests.support.accounts import make_account, staff_user
from tests.support.practitioners import ban_decision, register, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NUMBER = resident_id("44030519900101001")


def test_a_handler_checks_a_person_on_a_phone(chromium, live_server, live_app):
    _h, secret = make_account(live_app, "pr.journey.handler", Role.HANDLER, "330106", "浙杭执字7301")
    with live_app.app_context():
        decision = ban_decision(staff_user("pr.journey.drafter", Role.HANDLER),
                                staff_user("pr.journey.reviewer", Role.REVIEWER, "330100"),
                                number="杭西教罚〔2026〕871号", lifelong=True)
        register(staff_user("pr.journey.maker", Role.ADMIN), decision, name="赵某某", number=NUMBER)
        db.session.commit()

    tab = staff_tab(chromium, live_server, "pr.journey.handler", secret, phone=True)
    open_menu(tab)
    tab.get_by_role("link", name="从业禁止人员").click()
    expect(tab.get_by_role("heading", name="从业禁止人员", level=1)).to_be_visible()
    tab.get_by_role("link", name="核查人员").click()
    tab.get_by_label("姓名").fill("赵某某")
    wrong = NUMBER[:17] + ("1" if NUMBER[17] != "1" else "2")
    tab.get_by_label("证件号码").fill(wrong)
    tab.get_by_role("button", name="核查此人").click()
    expect(tab.locator("#number-error")).to_contain_text("不是有效的居民身份证号码")
    expect(tab.get_by_label("姓名")).to_have_value("赵某某")  # the input is kept
    tab.get_by_label("证件号码").fill(NUMBER)
    tab.get_by_role("button", name="核查此人").click()
    result = tab.locator("#result")
    expect(result.get_by_role("heading", name="正处于从业禁止期内")).to_be_visible()
    expect(result).to_contain_text("终身禁入")
    expect(result).to_contain_text("杭西教罚〔2026〕871号")
    expect(result).to_contain_text(NUMBER[:4] + "*" * 10 + NUMBER[-4:])
    assert NUMBER not in tab.content()
    expect(tab.get_by_label("证件号码")).to_have_value("")  # the form comes back empty for the next person
    assert re.search(r"/staff/practitioners/check$", tab.url)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
