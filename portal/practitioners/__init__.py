"""The register of practitioners under a ban (限制从业, 终身禁入): staff-only, linked to the penalty
decision, checked by exact name and ID number, and linked from blacklist entries whose reason is
employing a banned practitioner."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff pages, add the menu entry and the demo entry, and offer the blacklist's staff page its panel:
    `templates/blacklist/staff_detail.html` calls `practitioner_blacklist_panel(entry)` (the
    blacklist does not import this package)."""
    from portal import demo, navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.practitioners import demo as practitioners_demo
    from portal.practitioners.staff_views import blacklist_panel, bp

    app.register_blueprint(bp)
    app.add_template_global(blacklist_panel, "practitioner_blacklist_panel")
    navigation.add(app, navigation.STAFF, Link(
        "practitioners.index", _l("Banned practitioners"), 95, roles=("admin", "handler", "reviewer"),
        related=("practitioners.new", "practitioners.detail", "practitioners.check", "practitioners.lift",
                 "practitioners.link_blacklist")))
    demo.register(app, "practitioners", "demo banned practitioner", practitioners_demo.seed,
                  after=("accounts", "disclosures", "blacklist"))
