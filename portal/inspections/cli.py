"""`flask --app portal inspections verify ID`: recompute a draw with the standalone script's code."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from portal.inspections import algorithm

inspections_cli = AppGroup("inspections", help="Random inspection draws.")


@inspections_cli.command("verify")
@click.argument("draw_id", type=int)
def inspections_verify(draw_id: int) -> None:
    """Check the stored directories against their published hashes, the seed against its
    commitment, and recompute the targets and inspectors; exit 1 naming every difference."""
    from portal.inspections import published

    try:
        draw = published.get_public(draw_id)
    except published.DrawNotFound:
        raise click.ClickException(f"no committed draw {draw_id}") from None
    if not algorithm.is_seed(draw.seed):
        raise click.ClickException(f"draw {draw_id} is committed but not drawn yet: nothing to recompute")
    check = published.verify_stored(draw)
    if check.problems:
        for problem in check.problems:
            click.echo(f"MISMATCH: {problem}")
        sys.exit(1)
    click.echo(f"OK: draw {draw_id} recomputed from its published inputs "
               f"(targets directory {draw.targets_sha256}, inspectors directory {draw.inspectors_sha256}, "
               f"commitment {draw.seed_commitment})")
