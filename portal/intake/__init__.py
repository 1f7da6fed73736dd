"""Intake (投诉举报受理): filing a complaint (the public form, staff registration, the API), and tracking
a case by its receipt code."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the complaint form, tracking and staff registration; add the menu entries and the demo cases."""
    from portal import demo, navigation
    from portal.i18n import _l
    from portal.intake import demo as intake_demo
    from portal.intake.staff_views import bp as staff_bp
    from portal.intake.views import bp
    from portal.navigation import Link

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    navigation.add(app, navigation.PUBLIC,
                   Link("complaints.new", _l("File a complaint"), 20),
                   Link("complaints.track", _l("Track a case"), 30, related=("complaints.case",)))
    navigation.add(app, navigation.STAFF,
                   Link("intake_staff.register", _l("Register a complaint"), 20, roles=("admin", "handler")))
    demo.register(app, "complaints", "demo cases", intake_demo.seed, after=("institutions", "accounts", "workdays"))
