"""Casework (案件办理): complaint records, the staff inbox, steps and deadlines, the case page, case mail."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the back office's case pages; add the reminder command, the menu entries and the recount
    of open cases' deadlines when a year's holidays are entered."""
    from portal import navigation
    from portal.casework import offerings as casework_offerings
    from portal.casework import recompute
    from portal.casework.cli import notify_cli
    from portal.casework.views import bp
    from portal.i18n import _l
    from portal.institutions import offerings
    from portal.navigation import Link
    from portal.workdays import recompute as workdays_recompute

    app.register_blueprint(bp)
    app.cli.add_command(notify_cli)
    workdays_recompute.register(app, workdays_recompute.Recount(
        recompute.KIND, _l("Case"), recompute.FIELDS, recompute.recompute))
    offerings.add_section(app, offerings.Section("concluded_complaints", casework_offerings.concluded_about))
    navigation.add(app, navigation.STAFF,
                   Link("casework.inbox", _l("Cases"), 10, related=("casework.case", "casework.step"),
                        lands=("admin", "handler", "reviewer")))
