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
def redis_url() -> str:
    """PORTAL_TEST_REDIS_URL, checked to answer (the shared limits and the shared page cache need it)."""
    url = config.TestingConfig().TEST_REDIS_URL
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is needed at {url} (PORTAL_TEST_REDIS_URL); .ci/run starts it")
    return url
