"""The API's idempotency rules as a service: one token per client and key, and what a key may be."""
from __future__ import annotations

import pytest

from portal.api import idempotency


def test_a_key_belongs_to_its_client_and_no_key_is_a_new_token_each_time():
    key = "0f8e2b8c-4c1e-4b7e-9a35-7d2f1c9e6a10"
    assert idempotency.form_token(key, "client-a") == idempotency.form_token(key, "client-a")
    assert idempotency.form_token(key, "client-a") != idempotency.form_token(key, "client-b")
    assert idempotency.form_token(None, "client-a") != idempotency.form_token(None, "client-a")


@pytest.mark.parametrize("key", ["fifteen-chars-1", "x" * 129, "has a space in it here",
                                 "中文中文中文中文中文中文中文中文"])
def test_a_malformed_key_is_a_bad_request(key):
    with pytest.raises(idempotency.KeyMalformed) as refused:
        idempotency.form_token(key, "client-a")
    assert refused.value.status == 400
