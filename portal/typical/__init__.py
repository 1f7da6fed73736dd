"""Typical cases (典型案例): written in Markdown, reviewed by another person, published."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public and staff pages; add the menu entries and demo articles."""
    from portal import demo, navigation, pagecache
    from portal.i18n import _l
    from portal.institutions import offerings
    from portal.navigation import Link
    from portal.typical import demo as typical_demo
    from portal.typical import offerings as typical_offerings
    from portal.typical.models import TypicalCase
    from portal.typical.staff_views import bp as staff_bp
    from portal.typical.views import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(staff_bp)
    pagecache.watch(app, "typical", TypicalCase)
    offerings.add_section(app, offerings.Section("typical_cases", typical_offerings.for_institution))
    navigation.add(app, navigation.PUBLIC, Link("typical.index", _l("Typical cases"), 70, related=("typical.detail",)))
    navigation.add(app, navigation.STAFF, Link(
        "typical_staff.index", _l("Typical cases"), 80, roles=("admin", "handler", "reviewer"),
        related=("typical_staff.new", "typical_staff.detail", "typical_staff.submit", "typical_staff.review",
                 "typical_staff.withdraw")))
    demo.register(app, "typical", "demo typical cases", typical_demo.seed,
                  after=("institutions", "accounts", "disclosures", "blacklist"))
