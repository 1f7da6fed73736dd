"""Outgoing messages: the durable outbox, its mail channel and its worker command."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the outbox commands; the mail channel registers itself when imported."""
    from portal.notifications import mail  # noqa: F401  registers the "mail" channel
    from portal.notifications.cli import outbox_cli

    app.cli.add_command(outbox_cli)
