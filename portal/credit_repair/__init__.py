"""Credit repair (信用修复) of penalty disclosures: when a published decision may stop being shown
early, the conditions checked, and the staff decision. Above the blacklist, whose entries in force
refuse a repair."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the party's application pages and the staff page of a disclosure's credit repair."""
    from portal.credit_repair.staff_views import bp
    from portal.credit_repair.views import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(bp)
