"""Social supervisors (社会监督员): appointment, and the staff's inbox of their submissions
(the workspace where they submit is `portal.observations`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public list and the staff pages; add the staff menus and demo supervisors."""
    from portal import demo, navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.supervisors import demo as supervisors_demo
    from portal.supervisors.staff_views import bp as staff_bp
    from portal.supervisors.views import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(staff_bp)
    navigation.add(app, navigation.STAFF,
                   Link("supervisor_staff.inbox", _l("Supervisors' submissions"), 110, roles=("admin", "handler"),
                        related=("supervisor_staff.observation", "supervisor_staff.open_case")),
                   Link("supervisor_staff.index", _l("Social supervisors"), 120, roles=("admin", "handler"),
                        related=("supervisor_staff.new", "supervisor_staff.detail", "supervisor_staff.step",
                                 "supervisor_staff.duty_record")))
    demo.register(app, "supervisors", "demo social supervisors", supervisors_demo.seed,
                  after=("institutions", "accounts", "complaints", "typical"))
