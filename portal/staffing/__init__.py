"""Administrators manage the accounts of their jurisdiction, with four eyes on every power that
checks other people's work (a second administrator from above approves it)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the account management pages and their menu entry."""
    from portal import navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.staffing.views import bp

    app.register_blueprint(bp)
    navigation.add(app, navigation.STAFF, Link("staffing.users", _l("Accounts"), 50, roles=("admin",),
                                               related=("staffing.user_detail", "staffing.new_user",
                                                        "staffing.grants_waiting", "staffing.grant_detail")))
