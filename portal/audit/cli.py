"""`flask audit …`: the hash-chained audit trail."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The hash-chained audit trail.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the chain; exit 1 naming the first broken link if a record was altered or removed."""
    from portal.security import audit

    checked, broken = audit.verify()
    if broken is None:
        click.echo(f"audit: {checked} records, chain intact")
        return
    where = f"record {broken.record_id}" if broken.record_id is not None else "the end of the chain"
    click.echo(f"audit: chain broken at {where}: {broken.problem} ({checked} records intact before it)")
    sys.exit(1)
