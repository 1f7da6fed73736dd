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
    workday), replacing that year only; without a file, enter the years chinesecalendar knows."""
    from portal.security import audit
    from portal.workdays import service

    if schedule is None:
        years = service.import_package()
        for entered in years:  # a command-line import is in the audit trail like an administrator's entry
            audit.record(COMMAND_ACTOR, "holidays.entered", "calendar_year", entered,
                         after={"source": "chinesecalendar", "command": "import"})
        db.session.commit()
        click.echo(f"holidays: {len(years)} years entered from chinesecalendar")
        return
    if year is None:
        raise click.ClickException("give --year: the year this schedule is for")
    try:
        days = service.import_file(schedule, year)
    except service.ScheduleInvalid as exc:
        raise click.ClickException(f"not a schedule: {exc}") from exc
    audit.record(COMMAND_ACTOR, "holidays.entered", "calendar_year", year,
                 after={"days": days, "source": schedule.name, "command": "import",
                        "rows": schedule.read_text(encoding="utf-8")[:4000]})
    db.session.commit()
    click.echo(f"holidays: {year} entered with {days} exceptional days")
