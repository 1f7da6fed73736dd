import pytest
from portal.accounts.models import Role
from tests.accounts.test_admin_views import make_account
from tests.browser.test_supervisor_journey import signed_in_tab

pytestmark = pytest.mark.browser


def test_shot(chromium, live_server, live_app):
    _s, secret = make_account(live_app, "shot.supervisor", Role.SUPERVISOR, "330106")
    for width in (360, 1280):
        tab = signed_in_tab(chromium, live_server, "shot.supervisor", secret, {"width": width, "height": 800})
        tab.goto("/supervisor/new/lead?lang=zh_CN")
        tab.locator("#not_listed").check()
        tab.locator("#institution_name").fill("星火补习班")
        tab.locator("#region").fill("630104")
        tab.locator("#body").fill("周一至周五晚上九点半以后仍在给初中生上数学课，家长接送车辆排队。")
        tab.locator("button[value=draft]").click()
        tab.locator("#region").scroll_into_view_if_needed()
        tab.screenshot(path=f"/tmp/h5-area-{width}.png", full_page=width == 360)
        import time; time.sleep(31)
