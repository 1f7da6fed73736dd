"""Complaints and reports (投诉举报): intake, tracking by receipt, and the case file."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount filing and tracking, casework, identity custody and rewards; add their menus and demo cases."""
    from portal import demo, navigation
    from portal.complaints import demo as complaints_demo
    from portal.complaints.custody_views import bp as custody_bp
    from portal.complaints.reward_views import bp as rewards_bp
    from portal.complaints.staff_views import bp as casework_bp
    from portal.complaints.views import bp as complaints_bp
    from portal.i18n import _l
    from portal.navigation import Link

    app.register_blueprint(complaints_bp)
    app.register_blueprint(casework_bp)
    app.register_blueprint(rewards_bp)
    app.register_blueprint(custody_bp)
    navigation.add(app, navigation.PUBLIC,
                   Link("complaints.new", _l("File a complaint"), 20),
                   Link("complaints.track", _l("Track a case"), 30, related=("complaints.case",)))
    navigation.add(app, navigation.STAFF,
                   Link("casework.inbox", _l("Cases"), 10, related=("casework.case", "casework.step")),
                   Link("casework.register", _l("Register a complaint"), 20, roles=("admin", "handler")),
                   Link("custody.queue", _l("Identity requests"), 30, roles=("custodian",),
                        related=("custody.decide",)))
    demo.register(app, "complaints", "demo cases", complaints_demo.seed, after=("institutions", "accounts", "workdays"))
