"""A blacklist removal in a real Chromium: a handler asks for the removal of a listed entry with
the reason, a reviewer of the city approves it, and the public page shows the entry removed,
with the date, the reason and the step in its history (at phone width).

The back-office pages are driven in English until the Chinese catalogue has the blacklist's
strings; sign-in is in Chinese as everywhere."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.blacklist import service
from portal.extensions import db
from tests.browser.fixtures import staff_tab
from tests.support.accounts import make_account
from tests.support.blacklist import entry_data

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REASON = "已取得办学许可证并完成平台登记，经复查整改到位。"


def test_removal_requested_approved_and_shown_removed(chromium, live_server, live_app):
    _h, handler_secret = make_account(live_app, "bl.journey.handler", Role.HANDLER, "330106", "浙杭执字7201")
    _r, reviewer_secret = make_account(live_app, "bl.journey.reviewer", Role.REVIEWER, "330100", "浙杭审字7202")
    name = f"西湖鹭岛旅程培训部{dt.datetime.now():%H%M%S}"
    with live_app.app_context():
        entry = service.add_listed(entry_data(name=name, listed_on=dt.date(2026, 3, 1)), "旅程测试批次")
        db.session.commit()
        entry_id = entry.id

    handler = staff_tab(chromium, live_server, "bl.journey.handler", handler_secret)
    handler.goto("/staff/blacklist?state=listed&lang=en")
    handler.get_by_role("link", name=name).click()
    handler.get_by_text("Request removal", exact=True).first.click()  # opens the step
    handler.get_by_role("button", name="Request removal").click()
    expect(handler.get_by_text("Give the reason.").first).to_be_visible()  # refused beside the field
    handler.get_by_label("Reason for removal (shown publicly once approved)").fill(REASON)
    handler.get_by_role("button", name="Request removal").click()
    expect(handler.locator(".badge--status")).to_have_text("Removal requested")
    expect(handler.get_by_role("button", name="Approve the removal")).to_have_count(0)

    reviewer = staff_tab(chromium, live_server, "bl.journey.reviewer", reviewer_secret)
    reviewer.goto(f"/staff/blacklist/{entry_id}?lang=en")
    expect(reviewer.get_by_text(REASON).first).to_be_visible()
    reviewer.get_by_role("button", name="Approve the removal").click()
    expect(reviewer.locator(".badge--status")).to_have_text("Removed")
    expect(reviewer.get_by_text("Removed after review").first).to_be_visible()

    public = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                  base_url=live_server.url).new_page()
    public.goto("/blacklist?lang=en")
    public.get_by_label("Name or unified social credit code").fill("鹭岛")
    public.get_by_label("Also show entries that have been removed").check()
    public.get_by_role("button", name="Search").click()
    expect(public.get_by_text(re.compile("^Removed on "))).to_be_visible()
    public.get_by_role("link", name=name).click()
    expect(public.get_by_text(re.compile("Removed from the blacklist on"))).to_be_visible()
    expect(public.get_by_text(REASON).first).to_be_visible()
    history = public.locator(".timeline")
    expect(history.get_by_text("Removal requested")).to_be_visible()
    expect(history.get_by_text("Removed after review")).to_be_visible()
    expect(history).not_to_contain_text("bl.journey")  # no officer's name in public
    assert public.evaluate("document.documentElement.scrollWidth") <= 360
