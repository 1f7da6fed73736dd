"""Receipt recovery (找回查询码) for named reporters: the mobile number they gave and the case number,
proved by a one-time SMS code, give a new 查询码; the old one stops working. Above intake, whose
tracking pages it leads back to."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the recovery pages under /track/recover."""
    from portal.receipt_recovery.views import bp

    app.register_blueprint(bp)
