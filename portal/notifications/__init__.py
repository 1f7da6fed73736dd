"""Email notifications: queued on the database session, sent over SMTP only after it commits."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the reminder command."""
    from portal.notifications.cli import notify_cli

    app.cli.add_command(notify_cli)
