"""The administrators' view of the outbox: what waits, what failed, and a second try for a failed message."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the outbox page and add its menu entry for administrators."""
    from portal import navigation
    from portal.deliveries.views import bp
    from portal.i18n import _l
    from portal.navigation import Link

    app.register_blueprint(bp)
    navigation.add(app, navigation.STAFF, Link("deliveries.index", _l("Outgoing messages"), 45, roles=("admin",)))
