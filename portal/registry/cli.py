"""`flask --app portal registry import FILE`: the first load of a registry (or a later update) from
the command line, in production, without an account: a dry run unless --apply is given."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.registry import importing, imports
from portal.tabular import FileUnreadable

registry_cli = AppGroup("registry", help="Load and update the registry of institutions.")


@registry_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Apply the rows (without it: check and preview only).")
@click.option("--reason", default="", help="Kept with every version the import writes, e.g. the source file's name.")
@click.option("--lang", type=click.Choice(["en", "zh_CN"]), default="en", show_default=True,
              help="Language of the report.")
def import_command(path: Path, apply_: bool, reason: str, lang: str) -> None:
    """Check FILE (XLSX or CSV, the template's columns) against the registry; with --apply, write it.
    Every row with a problem is printed by its row number; nothing is written while any remains."""
    with current_app.test_request_context(query_string={"lang": lang}):  # the report speaks a language
        try:
            plan = importing.plan(path.read_bytes(), None)
        except FileUnreadable as exc:
            raise click.ClickException(f"the file cannot be imported: {' '.join(map(str, exc.args))}") from exc
    for row in plan.invalid:
        for problem in row.problems:
            click.echo(f"row {row.number}: {problem}", err=True)
    summary = plan.summary
    click.echo(f"{summary['new']} new, {summary['changed']} changed, {summary['unchanged']} unchanged, "
               f"{summary['invalid']} with problems")
    if plan.invalid:
        raise click.ClickException("nothing was written: correct the rows above and run it again")
    if not apply_:
        click.echo("dry run: nothing was written (add --apply to write it)")
        return
    counts = imports.apply_rows(None, plan.rows, reason or f"command line: {path.name}")
    db.session.commit()
    click.echo(f"applied: {counts['created']} new, {counts['changed']} changed, {counts['unchanged']} unchanged, "
               f"{counts['skipped']} skipped")
