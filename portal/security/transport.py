"""Plain HTTP in production: a smoke-test mode that says so on every page, and a warning otherwise.

With Secure cookies a browser never returns the session over plain HTTP, so every form would fail
its token check ("the form has expired") for ever. A deployment being tried before TLS is in place
sets PORTAL_PLAIN_HTTP_SMOKE_TEST=1 instead: cookies then work over HTTP and a banner on every
page says the site is not for the public.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, request

log = logging.getLogger(__name__)
_warned: set[str] = set()


def smoke_test_context() -> dict:
    return {"plain_http_smoke_test": current_app.config.get("PLAIN_HTTP_SMOKE_TEST", False)}


def warn_once_about_plain_http() -> None:
    """Log once per process when Secure cookies meet a plain HTTP request: forms cannot work so."""
    if request.is_secure or not current_app.config.get("SESSION_COOKIE_SECURE") or "plain" in _warned:
        return
    _warned.add("plain")
    log.warning(
        "A request arrived over plain HTTP while cookies are Secure: the browser will not return the "
        "session, so every form will answer that it has expired. Serve the portal over TLS (behind a "
        "proxy, set PORTAL_TRUSTED_PROXIES so the forwarded scheme is read), or set "
        "PORTAL_PLAIN_HTTP_SMOKE_TEST=1 for a smoke test that is not open to the public."
    )


def init_app(app: Flask) -> None:
    app.context_processor(smoke_test_context)
    if app.config.get("ENV_NAME") == "production":
        app.before_request(warn_once_about_plain_http)
        if app.config.get("PLAIN_HTTP_SMOKE_TEST"):
            log.warning("PORTAL_PLAIN_HTTP_SMOKE_TEST is on: cookies travel over plain HTTP and every page "
                        "says the site is a smoke test. Turn it off before the public is let in.")
