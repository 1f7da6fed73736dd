"""`flask audit …`: the hash-chained audit trail."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The hash-chained audit trail.")
# Further checks `verify` runs after the chain (the signed heads add theirs): each returns None
# when it holds, or what is wrong.
FURTHER_CHECKS: list = []


@audit_cli.command("sequence")
def audit_sequence() -> None:
    """Chain the records appended since the last round (the outbox worker does this every round)."""
    from portal.extensions import db
    from portal.security import audit

    chained = audit.sequence()
    db.session.commit()
    click.echo(f"audit: {chained} records chained")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the chain; exit 1 naming the first broken link if a record was altered or removed."""
    from portal.extensions import db
    from portal.security import audit

    audit.sequence()  # chain what was appended since the last round, so it is checked too
    db.session.commit()
    checked, broken = audit.verify()
    if broken is None:
        click.echo(f"audit: {checked} records, chain intact")
        problems = [problem for check in FURTHER_CHECKS if (problem := check()) is not None]
        for problem in problems:
            click.echo(f"audit: {problem}")
        if problems:
            sys.exit(1)
        return
    where = f"record {broken.record_id}" if broken.record_id is not None else "the end of the chain"
    click.echo(f"audit: chain broken at {where}: {broken.problem} ({checked} records intact before it)")
    sys.exit(1)
