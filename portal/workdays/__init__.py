"""The working-day calendar: statutory holidays and adjusted working weekends (调休), by year."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the holidays page; add the import command, the menu entry and the calendar for the demo."""
    from portal import demo, navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.workdays import service
    from portal.workdays.cli import holidays_cli
    from portal.workdays.staff_views import bp

    app.register_blueprint(bp)
    app.cli.add_command(holidays_cli)
    navigation.add(app, navigation.STAFF, Link("workdays.index", _l("Holidays"), 60, roles=("admin",)))
    demo.register(app, "workdays", "holiday calendar", service.demo_report, after=("regions",))
