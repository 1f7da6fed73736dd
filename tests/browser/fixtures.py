"""A live server on a free localhost port, and Debian's Chromium driven through Playwright."""
from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from werkzeug.serving import make_server

from portal.extensions import db
from tests.support.accounts import PASSWORD
from tests.support.apps import make_app
from tests.support.databases import isolated_database

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    return path


class LiveServer:
    """A werkzeug server for the app, in a thread, on 127.0.0.1 and a free port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    """An app on its own database (committed data, seeded like `make run`)."""
    from portal import demo, models  # noqa: F401

    folder = tmp_path_factory.mktemp("live")
    with isolated_database(database_url, "live_server", folder) as url:
        # Journeys and concurrency tests post many forms from one address; limits have their own tests.
        app = make_app(folder, url, LIMIT_COMPLAINT_SUBMIT="1000 per hour",
                       LIMIT_COMPLAINT_POST="1000 per hour", LIMIT_COMPLAINT_FORM_POST="1000 per hour",
                       LIMIT_RECEIPT_LOOKUP="1000 per minute",
                       LIMIT_SIGN_IN_CLIENT="1000 per minute")
        with app.app_context():
            db.create_all()
            list(demo.seed())
            db.session.commit()
            db.session.remove()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _tab(request: pytest.FixtureRequest, chromium, live_server: LiveServer, size: str,
         javascript: bool = True):
    viewport = PHONE if size == "phone" else DESKTOP
    context = chromium.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url,
                                   is_mobile=size == "phone", java_script_enabled=javascript)
    tab = context.new_page()
    tab.set_default_timeout(20_000)  # generous: a loaded CI machine answers slowly
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(params=["phone", "desktop"])
def page(request: pytest.FixtureRequest, chromium, live_server: LiveServer):
    """A fresh browser tab at phone (360×740) or desktop size; a screenshot is kept on failure."""
    yield from _tab(request, chromium, live_server, request.param)


@pytest.fixture
def phone_page(request: pytest.FixtureRequest, chromium, live_server: LiveServer):
    """A 360×740 tab."""
    yield from _tab(request, chromium, live_server, "phone")


@pytest.fixture
def phone_page_without_js(request: pytest.FixtureRequest, chromium, live_server: LiveServer):
    """A 360×740 tab with JavaScript switched off."""
    yield from _tab(request, chromium, live_server, "phone", javascript=False)


def staff_tab(chromium, live_server: LiveServer, username: str, secret: str, phone: bool = False,
              javascript: bool = True):
    """A desktop tab (with `phone`, a 360-pixel one; `javascript` False switches scripts off) signed in
    (in Chinese) to the account with this TOTP secret, where its role's work starts (the case inbox,
    or the identity requests for a custodian)."""
    from playwright.sync_api import expect

    context = chromium.new_context(viewport=PHONE if phone else {"width": 1366, "height": 900}, locale="zh-CN",
                                   base_url=live_server.url, is_mobile=phone, java_script_enabled=javascript)
    tab = context.new_page()
    tab.set_default_timeout(20_000)  # generous: a loaded CI machine answers slowly
    tab.goto("/login?lang=zh_CN")
    tab.get_by_label("用户名").fill(username)
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="继续").click()
    tab.get_by_role("textbox", name=re.compile("验证码")).fill(pyotp.TOTP(secret).now())
    tab.get_by_role("button", name="登录").click()
    expect(tab.get_by_role("button", name="退出登录")).to_be_visible()
    expect(tab).to_have_url(re.compile(r"/staff/(cases|identity-requests)$"))
    return tab


def open_menu(page) -> None:
    """On a phone the main menu is folded behind its button: open it (a wide screen shows it)."""
    page.wait_for_load_state("load")  # the stylesheet decides whether the button shows: wait for it
    button = page.locator(".menu-fold__button")
    if button.is_visible() and page.locator(".menu-fold details[open]").count() == 0:
        button.click()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
