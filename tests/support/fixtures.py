"""Fixtures every test folder may use (registered in tests/conftest.py through `pytest_plugins`)."""
from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from portal import config
from portal.accounts.models import Role
from tests.support.accounts import signed_in_client, unique_username


@pytest.fixture
def signed_in(app: Flask) -> Callable[..., FlaskClient]:
    """`signed_in(role, region)`: a new client signed in to a new staff account of that role and
    jurisdiction (`client.user_id` is its id); `username`, `certificate` and `lang` may be given."""

    def sign_in_as(role: Role, region: str = "330106", username: str | None = None, **options) -> FlaskClient:
        return signed_in_client(app, username or unique_username(role, region), role, region, **options)

    return sign_in_as


@pytest.fixture
def hotline_platform(app: Flask):
    """A 12345 platform registered as a partner serving Hangzhou (330100), with its callback server running."""
    from portal.extensions import db
    from portal.hotline import partners
    from tests.support.hotline import Platform, serve

    platform = Platform()
    server = serve(platform)
    with app.app_context():
        partner, secret = partners.add("system", "杭州市12345政务服务便民热线", "330100", platform.url)
        platform.client_id, platform.secret = partner.client_id, secret
        db.session.commit()
    yield platform
    server.shutdown()
    server.server_close()


@pytest.fixture
def redis_url() -> str:
    """PORTAL_TEST_REDIS_URL, checked to answer (the shared limits and the shared page cache need it)."""
    url = config.TestingConfig().TEST_REDIS_URL
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is needed at {url} (PORTAL_TEST_REDIS_URL); .ci/run starts it")
    return url
