"""The audit-log browser for administrators, and the command that verifies the chain."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the audit log browser; add the chain's command and the menu entry."""
    from portal import navigation
    from portal.audit.cli import audit_cli
    from portal.audit.views import bp
    from portal.i18n import _l
    from portal.navigation import Link

    app.register_blueprint(bp)
    app.cli.add_command(audit_cli)
    navigation.add(app, navigation.STAFF, Link("audit.index", _l("Audit log"), 40, roles=("admin",)))
