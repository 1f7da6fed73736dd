"""How refunds work, for parents before they file: the prepaid-fee limits (from the rules store), the
supervised account, the standard contract, and what the office can and cannot do about a refund."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public page."""
    from portal.refund_guide.views import bp

    app.register_blueprint(bp)
