"""Security mechanisms shared by every feature: keys, sealing, receipts, attachments, headers, the audit chain."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the audit log browser and add the audit chain's command."""
    from portal import navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.security.cli import audit_cli
    from portal.security.staff_views import bp

    app.register_blueprint(bp)
    app.cli.add_command(audit_cli)
    navigation.add(app, navigation.STAFF, Link("audit.index", _l("Audit log"), 40, roles=("admin",)))
