"""`flask --app portal notify deadlines`: the daily deadline reminders."""
from __future__ import annotations

import datetime as dt

import click
from flask import current_app

from portal.casework.cli import notify_cli
from portal.extensions import db


@notify_cli.command("deadlines")
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Count from this day instead of today (YYYY-MM-DD).")
def notify_deadlines(day: dt.datetime | None) -> None:
    """Remind handlers of cases due within 3 working days or overdue (and of the clocks features
    add, such as the enforcement track's); each reminder once. Run daily."""
    from portal import clock
    from portal.reminders import service, sources

    if not current_app.config.get("MAIL_SERVER"):
        click.echo("deadline reminders: mail is off (PORTAL_MAIL_SERVER is not set), none sent")
        return
    today = day.date() if day else clock.today()
    count = service.send_deadline_reminders(today)
    added = {source.name: source.send(today) for source in sources.registered()}
    db.session.commit()  # the messages leave now, after the record that they were sent
    click.echo(f"deadline reminders: {count} sent" + "".join(f"; {name}: {n} sent" for name, n in added.items()))
