"""The open data API (/api/v1) and its guide."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the API."""
    from portal.api.views import bp

    app.register_blueprint(bp)
