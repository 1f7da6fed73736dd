"""`flask --app portal notify …`: notifications that run on a schedule (a daily cron job)."""
from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db

notify_cli = AppGroup("notify", help="Email notifications.")


@notify_cli.command("deadlines")
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Count from this day instead of today (YYYY-MM-DD).")
def notify_deadlines(day: dt.datetime | None) -> None:
    """Remind handlers of cases due within 3 working days or overdue; each reminder once. Run daily."""
    from portal import clock
    from portal.casework import mail as service

    if not current_app.config.get("MAIL_SERVER"):
        click.echo("deadline reminders: mail is off (PORTAL_MAIL_SERVER is not set), none sent")
        return
    count = service.send_deadline_reminders(day.date() if day else clock.today())
    db.session.commit()  # the messages leave now, after the record that they were sent
    click.echo(f"deadline reminders: {count} sent")
