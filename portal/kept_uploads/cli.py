"""`flask --app portal complaints …`: housekeeping of the complaint form (run hourly or daily)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db

complaints_cli = AppGroup("complaints", help="The public complaint form.")


@complaints_cli.command("purge-kept")
def purge_kept() -> None:
    """Delete files kept for complaint forms that were never sent again (older than an hour)."""
    from portal import clock
    from portal.kept_uploads import service as kept
    from portal.kept_uploads import spill

    count = kept.purge(clock.now())
    db.session.commit()
    click.echo(f"kept complaint files: {count} expired and deleted")
    click.echo(f"files kept through a database outage: {spill.purge(clock.now())} expired and deleted")
