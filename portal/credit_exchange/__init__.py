"""Exchange with the credit platforms: the 双公示 records of penalty decisions in the national credit
data layout, as CSV and XLSX for upload to 信用中国 or the provincial platform."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff export page and its menu entry."""
    from portal import navigation
    from portal.credit_exchange.staff_views import bp
    from portal.i18n import _l
    from portal.navigation import Link

    app.register_blueprint(bp)
    navigation.add(app, navigation.STAFF, Link("credit_exchange.export", _l("Credit platform export"), 96,
                                               roles=("admin", "handler", "reviewer")))
