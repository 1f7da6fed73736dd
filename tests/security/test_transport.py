"""Production over plain HTTP: the smoke-test mode says so on every page; otherwise a warning is logged."""
import logging

import pytest

from portal import create_app
from portal.extensions import db
from portal.security import keys, transport


def _production_app(tmp_path, monkeypatch, **env):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PORTAL_SMS_ADAPTER", "log")
    for name, value in env.items():
        monkeypatch.setenv(f"PORTAL_{name}", value)
    keys.generate(tmp_path / "secret_key", tmp_path / "receipt_pepper", tmp_path / "data_key",
                  tmp_path / "identity_key.pub", tmp_path / "identity_key")
    app = create_app("production")
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(autouse=True)
def _fresh_warning():
    transport._warned.clear()
    yield
    transport._warned.clear()


@pytest.mark.parametrize("language, words", [("zh_CN", "明文 HTTP 冒烟测试"), ("en", "Smoke test over plain HTTP")])
def test_smoke_test_mode_sends_cookies_over_http_and_says_so_on_every_page(tmp_path, monkeypatch, language, words):
    app = _production_app(tmp_path, monkeypatch, PLAIN_HTTP_SMOKE_TEST="1")
    assert app.config["SESSION_COOKIE_SECURE"] is False
    client = app.test_client()
    page = client.get(f"/login?lang={language}")
    assert page.status_code == 200
    assert words in page.get_data(as_text=True)
    cookie = page.headers.get("Set-Cookie", "")
    assert cookie and "Secure" not in cookie  # the browser returns it over plain HTTP


def test_a_real_deployment_keeps_secure_cookies_and_shows_no_banner(tmp_path, monkeypatch, caplog):
    app = _production_app(tmp_path, monkeypatch)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="portal.security.transport"):
        secure = client.get("/login", base_url="https://portal.example")
        assert not [r for r in caplog.records if "plain HTTP" in r.getMessage()]
        plain = client.get("/login")
        client.get("/login")
    assert "Smoke test" not in secure.get_data(as_text=True) and "冒烟测试" not in plain.get_data(as_text=True)
    warnings = [r for r in caplog.records if "plain HTTP" in r.getMessage()]
    assert len(warnings) == 1  # once per process, naming the two ways out
    assert "PORTAL_PLAIN_HTTP_SMOKE_TEST" in warnings[0].getMessage()
    assert "PORTAL_TRUSTED_PROXIES" in warnings[0].getMessage()


def test_the_smoke_test_mode_is_announced_when_the_app_starts(tmp_path, monkeypatch, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.security.transport"):
        _production_app(tmp_path, monkeypatch, PLAIN_HTTP_SMOKE_TEST="yes")
    assert any("Turn it off before the public" in r.getMessage() for r in caplog.records)
