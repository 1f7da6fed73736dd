"""Public statistics by county and month."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the statistics page and add it to the menu."""
    from portal import navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.stats.views import bp

    app.register_blueprint(bp)
    navigation.add(app, navigation.PUBLIC, Link("stats.index", _l("Statistics"), 100))
