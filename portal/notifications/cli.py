"""`flask outbox work`: the process that delivers the outbox; `flask outbox status`: what waits."""
from __future__ import annotations

import signal
import threading

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications import outbox
from portal.notifications.models import Message, State
from portal.security import audit

outbox_cli = AppGroup("outbox", help="The outbox of outgoing messages (mail).")


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop (for a timer or a test).")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between rounds when idle.")
def work(once: bool, poll: float) -> None:
    """Deliver due messages until stopped (SIGTERM or Ctrl+C stop it between two messages' rounds);
    each round first chains the audit records appended since the last one."""
    stop = threading.Event()
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        click.echo("outbox: working (stop with Ctrl+C)")
    while True:
        audit.sequence()  # the worker also chains the audit records appended since its last round
        db.session.commit()
        sent, failed = outbox.deliver_due()
        db.session.remove()
        if once:
            click.echo(f"outbox: {sent} sent, {failed} not sent")
            return
        if sent or failed:
            continue  # there may be more right away
        if stop.wait(poll):
            click.echo("outbox: stopped")
            return


@outbox_cli.command("status")
def status() -> None:
    """How many messages are in each state, and how old the oldest waiting one is."""
    counts = dict(db.session.execute(select(Message.state, func.count()).group_by(Message.state)).all())
    for state in State:
        click.echo(f"{state.value}: {counts.get(state, 0)}")
    oldest = db.session.scalar(select(func.min(Message.created_at)).where(Message.state == State.PENDING))
    click.echo(f"oldest pending: {oldest.isoformat() if oldest else '-'}")
