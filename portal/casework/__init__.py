"""Casework (案件办理): complaint records, the staff inbox, steps and deadlines, the case page, case mail."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the back office's case pages; add the reminder and housekeeping commands and the menu entries."""
    from portal import navigation
    from portal.casework import offerings as casework_offerings
    from portal.casework.cli import forget_receipts, notify_cli
    from portal.casework.views import bp
    from portal.i18n import _l
    from portal.institutions import offerings
    from portal.kept_uploads.cli import complaints_cli
    from portal.navigation import Link

    app.register_blueprint(bp)
    app.cli.add_command(notify_cli)
    complaints_cli.add_command(forget_receipts)  # the complaint housekeeping group is kept_uploads'
    offerings.add_section(app, offerings.Section("concluded_complaints", casework_offerings.concluded_about))
    offerings.add_section(app, offerings.Section("open_complaints", casework_offerings.open_about))
    navigation.add(app, navigation.STAFF,
                   Link("casework.inbox", _l("Cases"), 10, related=("casework.case", "casework.step"),
                        lands=("admin", "handler", "reviewer")))
