"""Outgoing messages: the durable outbox, its mail and SMS channels and its worker command."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the outbox commands; the mail and SMS channels register themselves when imported."""
    from portal.notifications import mail, sms  # noqa: F401  each registers its channel
    from portal.notifications.cli import outbox_cli

    app.cli.add_command(outbox_cli)
