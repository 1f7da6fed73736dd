"""`flask --app portal search …`: maintaining the name index. Each feature whose names are
indexed adds its own rebuild in its `init_app` (`add_source`), so search imports no feature."""
from __future__ import annotations

from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.extensions import db

search_cli = AppGroup("search", help="The name index behind search by any fragment.")


def add_source(app: Flask, label: str, rebuild: Callable[[], int]) -> None:
    """Register how to rebuild one kind of record's grams; `rebuild` returns how many it indexed."""
    app.extensions.setdefault("portal.search_sources", {})[label] = rebuild


def reindex() -> dict[str, int]:
    """Rebuild the grams of every registered kind of record; how many of each were indexed."""
    return {label: rebuild() for label, rebuild in current_app.extensions.get("portal.search_sources", {}).items()}


@search_cli.command("reindex")
def search_reindex() -> None:
    """Rebuild the name index from the names themselves (after a bulk import or a restore)."""
    counts = reindex()
    db.session.commit()
    click.echo("search index rebuilt: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
