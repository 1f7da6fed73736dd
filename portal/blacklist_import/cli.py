"""`flask --app portal blacklist import FILE --batch NAME`: a published list, checked row by row."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal import clock
from portal.extensions import db

blacklist_cli = AppGroup("blacklist", help="The blacklist of training operators.")


def _echo_report(report, imports) -> None:
    for row in report.invalid:
        for problem in row.problems:
            click.echo(f"row {row.number}: {imports.describe(problem, report.headers)}", err=True)


@blacklist_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch", required=True, help="The published list's batch name, e.g. 2026年第一批.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even when others have errors.")
@click.option("--lang", type=click.Choice(["en", "zh_CN"]), default="en", show_default=True,
              help="Language of the report.")
def blacklist_import(file: Path, batch: str, skip_invalid: bool, lang: str) -> None:
    """Check every row of an XLSX or CSV list (USCC, county code, required columns, duplicates),
    print the rows with errors, and import the list only when it is clean (or, with
    --skip-invalid, its valid rows).

    The entries are LISTED and public at once, with no review in the portal: this is for someone
    with server access loading a list already decided and published elsewhere. An officer's
    upload on the staff page (/staff/blacklist/import) instead waits for a reviewer other than
    the officer."""
    from portal.blacklist_import import service as imports

    # The report speaks the request's language: give the command one.
    with current_app.test_request_context(query_string={"lang": lang}):
        try:
            batch = imports.check_batch(batch)
        except ValueError:
            raise click.BadParameter(f"give a name of 1-{imports.MAX_BATCH} characters", param_hint="--batch")
        try:
            headers, rows = imports.read(file.read_bytes())
        except imports.FileUnreadable as exc:
            raise click.ClickException(imports.unreadable(exc)) from exc
        with click.progressbar(rows, label=f"checking {len(rows)} rows", file=sys.stderr) as bar:
            report = imports.check(headers, bar, clock.today())
        _echo_report(report, imports)
        bad, good = len(report.invalid), len(report.valid)
        if bad and not skip_invalid:
            db.session.rollback()
            raise click.ClickException(f"nothing imported: {bad} of {len(report.rows)} rows have errors "
                                       f"(fix them, or import the other {good} with --skip-invalid)")
        with click.progressbar(report.valid, label=f"importing {good} rows",
                               file=sys.stderr) as bar:
            imports.import_rows(bar, batch)
        db.session.commit()
    click.echo(f"blacklist: {good} entries imported as batch {batch}" + (f", {bad} rows skipped" if bad else ""))


@blacklist_cli.command("link-registry")
def link_registry() -> None:
    """Give every listed operator the registry does not know an institution of its own (unlicensed),
    so that searching the registry for its name finds it; once, after upgrading."""
    from portal.blacklist import known_operators

    linked = known_operators.link_all_to_registry()
    db.session.commit()
    click.echo(f"blacklist: {linked} entries linked to the registry")
