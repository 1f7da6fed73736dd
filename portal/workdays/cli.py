"""`flask holidays …`: the working-day calendar."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db

holidays_cli = AppGroup("holidays", help="The working-day calendar.")
COMMAND_ACTOR = "system"  # someone with server access, through a command


@holidays_cli.command("import")
@click.argument("schedule", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="The year the schedule is for (required with a file).")
def holidays_import(schedule: Path | None, year: int | None) -> None:
    """Enter a year's official schedule from a CSV file (date,kind,name; kind is holiday or
    workday), replacing that year only; without a file, enter the years chinesecalendar knows.
    Open records' stored deadlines that the new schedule moves are changed and listed."""
    from portal.workdays import entering, service

    if schedule is None:
        # a command-line import is in the audit trail like an administrator's entry
        entered = entering.enter_package(COMMAND_ACTOR, command="import")
        click.echo(f"holidays: {len(entered.years)} years entered from chinesecalendar")
    else:
        if year is None:
            raise click.ClickException("give --year: the year this schedule is for")
        try:
            entered = entering.enter_schedule(schedule.read_text(encoding="utf-8"), schedule.name, year,
                                              COMMAND_ACTOR, command="import")
        except service.ScheduleInvalid as exc:
            raise click.ClickException(f"not a schedule: {exc}") from exc
        click.echo(f"holidays: {year} entered with {entered.days} exceptional days")
    db.session.commit()
    for moved in entered.moved:
        click.echo(f"moved: {moved.kind} {moved.record_id} {moved.field} {moved.old} → {moved.new}")
    click.echo(f"holidays: {len(entered.moved)} stored deadlines moved")
