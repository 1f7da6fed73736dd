"""`flask rules …`: the national rows of the rules, from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db

rules_cli = AppGroup("rules", help="Rules kept as data (time limits, reward scales, periods).")


@rules_cli.command("seed")
def seed() -> None:
    """Write the national default of every rule that has no national row yet (safe to run again)."""
    from portal.rules import service

    written = service.seed()
    db.session.commit()
    click.echo(f"rules: {len(written)} national defaults written")


@rules_cli.command("set")
@click.argument("name")
@click.argument("value")
@click.option("--reason", required=True, help="Why the national value changes (kept in the history).")
def set_national(name: str, value: str, reason: str) -> None:
    """Change a national value from now on, as the system (audited)."""
    from portal.rules import service

    try:
        service.change(service.SYSTEM, name, service.NATIONAL, value, reason)
    except service.UnknownRule as exc:
        raise click.ClickException(f"no rule is named {name}") from exc
    except service.ValueOutOfBounds as exc:
        rule = service.definition(name)
        raise click.ClickException(f"{value} is not allowed: between {rule.low} and {rule.high}") from exc
    db.session.commit()
    click.echo(f"rules: {name} = {value} nationally from now on")
