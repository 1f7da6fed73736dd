"""Name search: the n-gram index that answers one- and two-character fragments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the index command."""
    from portal.search.cli import search_cli

    app.cli.add_command(search_cli)
