"""`flask --app portal notify …`: the group of notifications that run on a schedule (a daily cron
job); the features that send them add their commands to it. And `flask --app portal complaints
forget-receipts`, added to the complaint housekeeping group of `kept_uploads`."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

notify_cli = AppGroup("notify", help="Email notifications.")


@click.command("forget-receipts")
@with_appcontext
def forget_receipts() -> None:
    """Delete the encrypted receipts kept to answer a retry, once their 15 minutes have passed."""
    from sqlalchemy import update

    from portal import clock
    from portal.casework.models import RECEIPT_REPLAY_WINDOW, Complaint
    from portal.extensions import db

    result = db.session.execute(
        update(Complaint).where(Complaint.receipt_replay.is_not(None),
                                Complaint.created_at < clock.now() - RECEIPT_REPLAY_WINDOW)
        .values(receipt_replay=None).execution_options(synchronize_session=False))
    db.session.commit()
    click.echo(f"receipts kept for retries: {result.rowcount or 0} past their window and deleted")
