"""Posting forms as a browser would: open the page, take its CSRF token, post."""
from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def hidden(page: str, name: str) -> str | None:
    """The value of the form field `name` on `page` (attributes in either order), or None."""
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', page)
    return match.group(1) if match else None


def csrf_token(client: FlaskClient, url: str = "/staff/account") -> str | None:
    """The CSRF token on the page at `url`, as this client's session has it."""
    return hidden(client.get(url).get_data(as_text=True), "csrf_token")


def post_form(client: FlaskClient, url: str, page_url: str | None = None, *, multipart: bool = False,
              **fields) -> TestResponse:
    """Open `page_url` (default: `url`) and post `fields` to `url` with the page's CSRF token."""
    data = {"csrf_token": csrf_token(client, page_url or url), **fields}
    return client.post(url, data=data, content_type="multipart/form-data" if multipart else None)


def post_multipart(client: FlaskClient, url: str, page_url: str | None = None, **fields) -> TestResponse:
    """`post_form` encoded as multipart/form-data, as a form that takes files sends it."""
    return post_form(client, url, page_url, multipart=True, **fields)


def open_form(client: FlaskClient, url: str = "/complaints/new") -> dict:
    """The hidden tokens of a form page: CSRF, and the one-time form token where there is one."""
    page = client.get(url).get_data(as_text=True)
    tokens = {"csrf_token": hidden(page, "csrf_token"), "form_token": hidden(page, "form_token")}
    return {key: value for key, value in tokens.items() if value is not None}
