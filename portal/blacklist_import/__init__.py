"""Importing a blacklist published elsewhere (XLSX or CSV): reading the file, checking every row,
and listing the rows through `portal.blacklist`'s service: at once from the command line, or
for a second person's review when an officer uploads them on the blacklist's staff import page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff import page and add the `flask blacklist import` command."""
    from portal.blacklist_import.cli import blacklist_cli
    from portal.blacklist_import.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(blacklist_cli)
