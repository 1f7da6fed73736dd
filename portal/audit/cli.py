"""`flask audit …`: the hash-chained audit trail."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The hash-chained audit trail.")
# Further checks `verify` runs after the chain (the signed heads add theirs): each returns None
# when it holds, or what is wrong.
FURTHER_CHECKS: list = []
# Where `verify --since-checkpoint` may start (the signed heads add theirs): each returns None
# (start from the first record), an object with `tree_size` and `last_hash`, or what is wrong.
START_POINTS: list = []


@audit_cli.command("sequence")
def audit_sequence() -> None:
    """Chain the records appended since the last round (the outbox worker does this every round)."""
    from portal.extensions import db
    from portal.security import audit

    chained = audit.sequence()
    db.session.commit()
    click.echo(f"audit: {chained} records chained")


@audit_cli.command("verify")
@click.option("--since-checkpoint", is_flag=True,
              help="Check only the records after the newest signed head (daily); without it, every record.")
def audit_verify(since_checkpoint: bool) -> None:
    """Recompute the chain; exit 1 naming the first broken link if a record was altered or removed."""
    from portal.extensions import db
    from portal.security import audit

    audit.sequence()  # chain what was appended since the last round, so it is checked too
    db.session.commit()
    after, previous = 0, audit.GENESIS
    for start_point in START_POINTS if since_checkpoint else []:
        start = start_point()
        if isinstance(start, str):
            click.echo(f"audit: {start}")
            sys.exit(1)
        if start is not None:
            after, previous = start.tree_size, start.last_hash
    checked, broken = audit.verify(after, previous)
    if broken is None:
        since = f" after the signed head of {after} records" if after else ""
        click.echo(f"audit: {checked} records{since}, chain intact")
        problems = [] if after else [problem for check in FURTHER_CHECKS if (problem := check()) is not None]
        for problem in problems:
            click.echo(f"audit: {problem}")
        if problems:
            sys.exit(1)
        return
    where = f"record {broken.record_id}" if broken.record_id is not None else "the end of the chain"
    click.echo(f"audit: chain broken at {where}: {broken.problem} ({checked} records intact before it)")
    sys.exit(1)
