"""The administrators' view of the outbox: what waits, what failed, and a second try for a failed message."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the outbox page and add its menu entry for administrators; mail account owners the
    warnings `accounts` raises."""
    from portal import navigation
    from portal.accounts import alerts
    from portal.deliveries import account_alerts
    from portal.deliveries.views import bp
    from portal.i18n import _l
    from portal.navigation import Link

    app.register_blueprint(bp)
    alerts.add_alert(app, account_alerts.second_factor_failures)
    navigation.add(app, navigation.STAFF, Link("deliveries.index", _l("Outgoing messages"), 45, roles=("admin",)))
