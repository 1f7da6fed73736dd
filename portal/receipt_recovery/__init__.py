"""Receipt recovery (找回查询码) for named reporters: the mobile number they gave and the case number,
proved by a one-time SMS code, give a new 查询码; the old one stops working. And the receipt shown
again just after filing, in the other language or ready to print. Above intake, whose pages it extends."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the recovery pages under /track/recover, and the receipt shown again."""
    from portal.receipt_recovery.views import bp

    app.register_blueprint(bp)
