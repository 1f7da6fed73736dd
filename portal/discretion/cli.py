"""`flask discretion …`: the enforcement matters catalogue."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db

discretion_cli = AppGroup("discretion", help="The enforcement matters catalogue and discretion benchmark.")


@discretion_cli.command("load")
def discretion_load() -> None:
    """Enter the 教育部令第53号 catalogue as national lines: every matter with its four tiers, where the
    national benchmark has no line for it yet. Lines administrators entered or changed, and every
    province's own lines, are left alone; safe to re-run."""
    from portal.discretion import service

    added = service.load_catalogue("system")
    db.session.commit()
    click.echo(f"discretion: {added} benchmark lines added")


@discretion_cli.command("export")
@click.option("--province", default="", metavar="CODE",
              help="A province's two-digit code prefix (e.g. 33): the lines in force there. Default: national.")
def discretion_export(province: str) -> None:
    """Print the benchmark in force as CSV (the columns the staff page imports, and `source`)."""
    from portal.discretion import transfer

    if province and not (len(province) == 2 and province.isdigit()):
        raise click.BadParameter("two digits, e.g. 33", param_hint="--province")
    click.echo(transfer.export_csv(province), nl=False)
