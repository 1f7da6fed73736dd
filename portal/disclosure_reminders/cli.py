"""`flask --app portal notify disclosures`: the disclosures' daily deadline reminders."""
from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("disclosures")
@with_appcontext
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Count from this day instead of today (YYYY-MM-DD).")
def notify_disclosures(day: dt.datetime | None) -> None:
    """Remind of disclosures to publish or withdraw within 3 working days, or overdue; each once. Run daily."""
    from portal import clock
    from portal.disclosure_reminders import service as reminders

    if not current_app.config.get("MAIL_SERVER"):
        click.echo("disclosure reminders: mail is off (PORTAL_MAIL_SERVER is not set), none sent")
        return
    count = reminders.send_reminders(day.date() if day else clock.today())
    db.session.commit()  # the messages leave now, after the record that they were sent
    click.echo(f"disclosure reminders: {count} sent")
