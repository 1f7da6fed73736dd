"""Files kept across a correction of the complaint form: encrypted, tied to that form and browser,
for an hour; `flask --app portal complaints purge-kept` deletes the expired ones."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the purge command."""
    from portal.kept_uploads.cli import complaints_cli

    app.cli.add_command(complaints_cli)
