"""The header's navigation: each feature's main page, shown once that feature is mounted."""
from __future__ import annotations

from flask import Flask, current_app, request

from portal.i18n import _l

NAVIGATION = (
    ("site.home", _l("Home")),
    ("institutions.index", _l("Institutions")),
)


def nav_links() -> list[dict]:
    """Links for the header, marking the section the current page belongs to."""
    links = []
    current = (request.endpoint or "").split(".", 1)[0]
    for endpoint, label in NAVIGATION:
        if endpoint in current_app.view_functions:
            section = endpoint.split(".", 1)[0]
            links.append({"endpoint": endpoint, "label": label, "current": section == current})
    return links


def has_endpoint(endpoint: str) -> bool:
    """True when a feature's page exists, so a template can link it only then."""
    return endpoint in current_app.view_functions


def init_app(app: Flask) -> None:
    """Give every template the navigation helpers."""
    app.context_processor(lambda: {"nav_links": nav_links, "has_endpoint": has_endpoint})
