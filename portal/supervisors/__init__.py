"""Social supervisors (社会监督员): appointment, the workspace, and staff replies."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public list, the workspace and the staff pages; add the menus and demo supervisors."""
    from portal import demo, navigation
    from portal.accounts import sessions
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.supervisors import demo as supervisors_demo
    from portal.supervisors import service
    from portal.supervisors.staff_views import bp as staff_bp
    from portal.supervisors.views import bp as public_bp
    from portal.supervisors.workspace_views import bp as workspace_bp

    sessions.add_sign_in_check(app, service.may_sign_in)
    app.register_blueprint(public_bp)
    app.register_blueprint(workspace_bp)
    app.register_blueprint(staff_bp)
    navigation.add(app, navigation.STAFF,
                   Link("supervisor_staff.inbox", _l("Supervisors' submissions"), 110, roles=("admin", "handler"),
                        related=("supervisor_staff.observation", "supervisor_staff.open_case")),
                   Link("supervisor_staff.index", _l("Social supervisors"), 120, roles=("admin", "handler"),
                        related=("supervisor_staff.new", "supervisor_staff.detail", "supervisor_staff.step",
                                 "supervisor_staff.duty_record")))
    navigation.add(app, navigation.SUPERVISOR,
                   Link("supervisor.dashboard", _l("Overview"), 10),
                   Link("supervisor.submissions", _l("My submissions"), 20,
                        related=("supervisor.detail", "supervisor.edit", "supervisor.new")),
                   Link("supervisor.duty_record", _l("Duty record"), 30),
                   Link("supervisor.account", _l("My account"), 40))
    demo.register(app, "supervisors", "demo social supervisors", supervisors_demo.seed,
                  after=("institutions", "accounts", "complaints", "typical"))
