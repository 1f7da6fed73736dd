"""Public statistics by county and month."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the statistics page, add it to the menu, keep its aggregates current with every
    commit, and add the `stats` commands."""
    from portal import navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.stats import keeping
    from portal.stats.cli import stats_cli
    from portal.stats.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(stats_cli)
    keeping.init_app(app)
    navigation.add(app, navigation.PUBLIC, Link("stats.index", _l("Statistics"), 100))
