"""`flask --app portal complaints forget-receipts`: intake's part of the complaint housekeeping."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("forget-receipts")
@with_appcontext
def forget_receipts() -> None:
    """Delete the encrypted receipts kept to answer a retry, once their 15 minutes have passed."""
    from portal import clock
    from portal.intake import filing

    count = filing.forget_receipts(clock.now())
    db.session.commit()
    click.echo(f"receipts kept for retries: {count} past their window and deleted")
