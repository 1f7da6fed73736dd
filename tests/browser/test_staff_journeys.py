"""A handler signs in with password and authenticator code, lands on the case inbox, opens the account, signs out."""
import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_handler_signs_in_with_totp_and_out(page):
    page.goto("/?lang=zh_CN")
    page.get_by_role("link", name="工作人员登录").click()
    page.get_by_label("用户名").fill("demo.handler")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="继续").click()
    expect(page).to_have_title(re.compile("动态验证码"))
    # A code is accepted once: the second screen size signs in with the next step's code.
    step_ahead = 30 if page.viewport_size["width"] > 360 else 0
    code = pyotp.TOTP(DEMO_TOTP_SECRET).at(time.time() + step_ahead)
    page.get_by_role("textbox", name=re.compile("验证码")).fill(code)
    page.get_by_role("button", name="登录").click()

    # A handler's work starts in the case inbox; the account page is one click away.
    expect(page.get_by_role("heading", name="案件办理", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/staff/cases$"))
    page.get_by_role("link", name="演示执法人员").click()
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible()
    expect(page.get_by_text("浙杭执字（演示）0001")).to_be_visible()
    expect(page.get_by_text("执法人员（承办人）")).to_be_visible()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已退出登录")).to_be_visible()
    page.goto("/staff/account")
    expect(page).to_have_url(re.compile(r"/login\?next="))
