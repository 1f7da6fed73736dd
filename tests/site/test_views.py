"""Home page, health check, security headers, cache rules and error pages."""
import pytest
from flask import abort, request

from portal.extensions import db, limiter
from tests.support.apps import make_app


def test_home_tells_a_parent_what_to_do(client):
    page = client.get("/?lang=zh_CN").get_data(as_text=True)
    assert "查询码" in page and "12345" in page
    assert 'href="/institutions"' in page  # the registry is linked
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Keep your receipt code" in english


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}


def test_healthz_says_when_the_database_does_not_answer(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from portal.extensions import db

    def refuse(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json == {"status": "unavailable", "database": False}


@pytest.mark.parametrize("url", ["/", "/institutions", "/no-such-page", "/healthz"])
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://portal.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_public_pages_may_be_cached_and_private_ones_not(client):
    assert client.get("/institutions").headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert client.get("/no-such-page").headers["Cache-Control"] == "no-store"
    # Choosing a language sets a cookie: that response belongs to one visitor.
    assert client.get("/?lang=en").headers["Cache-Control"] == "no-store"


def test_pages_load_nothing_from_other_hosts(client):
    page = client.get("/institutions").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page and "//" not in page.replace("<!--", "")


def test_404_page_is_friendly_and_has_no_traceback(client):
    response = client.get("/institutions/999999999", query_string={"lang": "en"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body and "Traceback" not in body


def test_405_lists_allowed_methods(client):
    response = client.post("/institutions")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_errors_under_api_are_json(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json == {"error": {"code": "not_found", "message": "Page not found"}}


@pytest.fixture
def fragile_app(tmp_path):
    """An app with routes that fail on purpose, to see the 400, 403, 413 and 500 pages."""
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'e.sqlite3'}", MAX_CONTENT_LENGTH=1024,
                   PROPAGATE_EXCEPTIONS=False)

    @app.post("/upload-test")
    def upload_test():
        return str(len(request.form))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail that must not leak")

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    @app.get("/bad")
    def bad():
        abort(400)

    @app.get("/limited")
    @limiter.limit("1/minute")
    def limited():
        return "ok"

    with app.app_context():
        db.create_all()
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    with app.app_context():
        db.engine.dispose()


def test_oversized_body_gets_a_friendly_413(fragile_app):
    response = fragile_app.test_client().post(
        "/upload-test?lang=en", data={"x": "y" * 4096})
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)


def test_500_page_hides_the_exception(fragile_app, caplog):
    response = fragile_app.test_client().get("/boom?lang=zh_CN")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统出现错误" in body and "secret detail" not in body and "Traceback" not in body
    assert "unhandled error on GET /boom" in caplog.text


def test_403_page(fragile_app):
    response = fragile_app.test_client().get("/forbidden?lang=en")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_429_page_says_when_to_try_again(fragile_app):
    client = fragile_app.test_client()
    assert client.get("/limited").status_code == 200
    response = client.get("/limited?lang=zh_CN")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_data(as_text=True)
    assert "请求过于频繁" in body and "秒后重试" in body


def test_400_page(fragile_app):
    response = fragile_app.test_client().get("/bad?lang=en")
    assert response.status_code == 400
    assert "The request could not be understood" in response.get_data(as_text=True)
