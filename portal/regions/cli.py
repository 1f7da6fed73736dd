"""`flask regions …`: the division table."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db

regions_cli = AppGroup("regions", help="The GB/T 2260 division table.")


@regions_cli.command("load")
def regions_load() -> None:
    """Load or refresh the division table from the shipped data file."""
    from portal.regions import service
    from portal.security import audit

    added, changed, retired = service.load()
    if added or changed or retired:  # someone with server access changed the table: in the audit trail
        audit.record("system", "regions.loaded", "regions", "GB/T 2260",
                     after={"added": added, "changed": changed, "retired": retired})
    db.session.commit()
    click.echo(f"regions: {added} added, {changed} changed, {retired} marked old")
