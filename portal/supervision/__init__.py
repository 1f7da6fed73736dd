"""The staff's side of social supervision: candidates, appointment, assessment and dismissal, and
the inbox where staff answer what supervisors submit or open a case from it."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff pages and add their menu entries."""
    from portal import navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.supervision.views import bp

    app.register_blueprint(bp)
    navigation.add(app, navigation.STAFF,
                   Link("supervisor_staff.inbox", _l("Supervisors' submissions"), 110, roles=("admin", "handler"),
                        related=("supervisor_staff.observation", "supervisor_staff.open_case")),
                   Link("supervisor_staff.index", _l("Social supervisors"), 120, roles=("admin", "handler"),
                        related=("supervisor_staff.new", "supervisor_staff.detail", "supervisor_staff.step",
                                 "supervisor_staff.duty_record")))
