"""`flask discretion …`: the enforcement matters catalogue."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db

discretion_cli = AppGroup("discretion", help="The enforcement matters catalogue and discretion benchmark.")


@discretion_cli.command("load")
def discretion_load() -> None:
    """Enter the 教育部令第53号 catalogue: every matter with its four tiers, where the benchmark has
    no line for it yet. Lines administrators entered or changed are left alone; safe to re-run."""
    from portal.discretion import service

    added = service.load_catalogue("system")
    db.session.commit()
    click.echo(f"discretion: {added} benchmark lines added")


@discretion_cli.command("export")
def discretion_export() -> None:
    """Print the benchmark as CSV (the columns the staff page imports)."""
    from portal.discretion import transfer

    click.echo(transfer.export_csv(), nl=False)
