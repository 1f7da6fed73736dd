"""A 12345 work order in a real Chromium, at 360 px and in Chinese: the platform sends the order and a
reminder (催办) over HTTP, signed; the handler sees the reminder in the inbox and on the case page,
returns the misrouted order with the objection, and the platform receives the signed callback."""
import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.hotline import partners
from tests.browser.fixtures import ARTIFACTS, staff_tab
from tests.support.accounts import make_account
from tests.support.hotline import Platform, order, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _send(live_server, platform: Platform, path: str, data: dict) -> dict:
    body = json.dumps(data, ensure_ascii=False).encode()
    request = urllib.request.Request(live_server.url + path, data=body, method="POST", headers={
        **platform.signed_headers("POST", path, body), "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_a_misrouted_order_with_a_reminder_is_returned_from_a_phone(chromium, live_server, live_app):
    platform = Platform()
    server = serve(platform)
    try:
        with live_app.app_context():
            partner, platform.secret = partners.add("system", "杭州市12345政务服务便民热线", "330100", platform.url)
            platform.client_id = partner.client_id
            db.session.commit()
            today = clock.today().isoformat()
        _, secret = make_account(live_app, "hotline.handler", Role.HANDLER, "330106", "浙杭执字7402")
        filed = _send(live_server, platform, "/api/v1/hotline/orders", order("HZ-BROWSER-1", today))
        _send(live_server, platform, "/api/v1/hotline/orders/HZ-BROWSER-1/urgings",
              {"message": "来电人再次来电催促，请尽快处理。"})

        tab = staff_tab(chromium, live_server, "hotline.handler", secret, phone=True)
        tab.goto(f"/staff/cases?q={filed['case_number']}&lang=zh_CN")
        expect(tab.get_by_text("12345 催办 1 次")).to_be_visible()
        tab.get_by_role("link", name=filed["case_number"]).click()
        expect(tab.get_by_role("heading", name="12345 工单")).to_be_visible()
        expect(tab.get_by_text("来电人再次来电催促，请尽快处理。").first).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "hotline-case-zh-360.png"), full_page=True)
        expect(tab.get_by_text("派单单位")).to_be_visible()
        tab.locator("summary", has_text="提出异议并退回交办单位").click()
        tab.get_by_label(re.compile("异议")).fill("该机构位于上城区，不属本局管辖，请转上城区教育局。")
        tab.get_by_role("button", name=re.compile("退回")).click()
        expect(tab.get_by_text(re.compile("已完成"))).to_be_visible()
        [event] = platform.events("HZ-BROWSER-1")
        assert event["status"]["code"] == "returned" and event["reason"].startswith("该机构位于上城区")
        assert all(callback.verified for callback in platform.received)
    finally:
        server.shutdown()
        server.server_close()
