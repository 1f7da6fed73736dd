"""What social supervisors submit (社会监督员的巡查记录、线索和意见): their workspace, the
duty record, and the cases their leads become. Appointment is `portal.supervisors`, which also
holds the staff's inbox of these submissions."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the supervisors' workspace; add its menu and the demo submissions."""
    from portal import demo, navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.observations import demo as observations_demo
    from portal.observations.views import bp

    app.register_blueprint(bp)
    navigation.add(app, navigation.SUPERVISOR,
                   Link("supervisor.dashboard", _l("Overview"), 10, lands=("supervisor",)),
                   Link("supervisor.submissions", _l("My submissions"), 20,
                        related=("supervisor.detail", "supervisor.edit", "supervisor.new")),
                   Link("supervisor.duty_record", _l("Duty record"), 30),
                   Link("supervisor.account", _l("My account"), 40))
    demo.register(app, "observations", "demo supervisor submissions", observations_demo.seed,
                  after=("supervisors",))
