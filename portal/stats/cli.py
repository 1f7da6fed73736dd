"""`flask --app portal stats …`: rebuild the statistics' aggregates from the records, or check
that the kept ones agree with a count from scratch."""
from __future__ import annotations

import click
from flask.cli import AppGroup

stats_cli = AppGroup("stats", help="The public statistics' aggregates.")


@stats_cli.command("rebuild")
def rebuild() -> None:
    """Count every record again and replace the aggregates (after a restore, a bulk load, or an
    upgrade that adds them); the figures stay the same when nothing was missed."""
    from portal.extensions import db
    from portal.stats import aggregates

    records, cells = aggregates.rebuild()
    db.session.commit()
    click.echo(f"statistics rebuilt: {records} counted records, {cells} cells")


@stats_cli.command("check")
def check() -> None:
    """Compare the kept aggregates with a count from scratch, writing nothing; exit 1 on a difference."""
    from portal.stats import aggregates

    found = aggregates.differences()
    for line in found[:50]:
        click.echo(line)
    if found:
        raise click.ClickException(f"{len(found)} differences; run `flask --app portal stats rebuild`")
    click.echo("statistics agree with a count from scratch")
