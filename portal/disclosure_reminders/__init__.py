"""Daily reminders of the penalty disclosures' deadlines (publication, and withdrawal after a
revocation): `flask --app portal notify disclosures`, beside the case reminders."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add `notify disclosures` to the `notify` command group."""
    from portal.casework.cli import notify_cli
    from portal.disclosure_reminders.cli import notify_disclosures

    notify_cli.add_command(notify_disclosures)
