"""Response headers every page carries, and which responses may be cached."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, g, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def public_cache(max_age: int = 300) -> Callable:
    """Mark a view whose page holds nothing private, so shared caches may keep it briefly."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            g.public_cache_max_age = max_age
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _cache_control(response: Response) -> None:
    if request.endpoint == "static":
        return
    max_age = g.get("public_cache_max_age")
    # A page that sets a cookie or changed the session (a flash message, a form token)
    # belongs to one visitor only.
    personal = "Set-Cookie" in response.headers or session.modified
    if max_age is not None and response.status_code == 200 and not personal:
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    else:
        response.headers["Cache-Control"] = "no-store"


def set_security_headers(response: Response) -> Response:
    """Add CSP, nosniff, referrer policy, frame denial, HSTS over HTTPS and cache rules."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    _cache_control(response)
    return response


def attachment_response(data: bytes, media_type: str, filename: str) -> Response:
    """A file to download, never to display inline, never cached."""
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the header hook; registered before the others, it runs after them."""
    app.after_request(set_security_headers)
