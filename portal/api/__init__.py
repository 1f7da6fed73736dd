"""The open data API (/api/v1) and its guide."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the API: one blueprint, whose routes the view modules add as they are imported."""
    from portal.api import complaint_views, read_views, views  # noqa: F401  (each adds its routes)
    from portal.api.blueprint import bp

    app.register_blueprint(bp)
