"""A province administrator changes a time limit on the rules page, in Chinese, at 360 px and on a
desktop, without a script: a value beyond the statute comes back beside the field, then the
change is saved and shown in the history; axe finds no serious or critical rule."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.fixtures import staff_tab
from tests.support.accounts import make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BLOCKING = {"serious", "critical"}
SHOTS = os.environ.get("PORTAL_SCREENSHOTS")  # a folder to keep the pages' screenshots in, when set


def _blocking(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{page.url}: {v['id']}" for v in found if v["impact"] in BLOCKING]


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_province_administrator_changes_a_limit_with_the_bounds_beside_the_field(chromium, live_server, live_app):
    _id, secret = make_account(live_app, "rules.zhejiang", Role.ADMIN, "330000")
    page = staff_tab(chromium, live_server, "rules.zhejiang", secret)
    for width, label in ((360, "phone"), (1366, "desktop")):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/staff/rules?lang=zh_CN")
        expect(page.get_by_role("heading", level=1)).to_have_text("规则设置")
        assert not _blocking(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"rules-index-{label}")
    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_role("link", name="最长延期").click()
    page.get_by_label("新的数值").fill("45")
    page.get_by_label("修改理由").fill("浙江省规定（旅程测试）")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator("#value-error")).to_contain_text("请填写在所示范围内的数值")
    expect(page.get_by_label("新的数值")).to_have_value("45")
    assert not _blocking(page)
    _shot(page, "rules-edit-error-phone")
    page.get_by_label("新的数值").fill("20")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("规则已修改")).to_be_visible()
    expect(page.locator("table")).to_contain_text("浙江省规定（旅程测试）")
    page.set_viewport_size({"width": 1366, "height": 900})
    _shot(page, "rules-edit-desktop")
    page.context.close()
