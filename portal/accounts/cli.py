"""Account commands: create an account, print the demo credentials."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("demo-credentials")
def demo_credentials() -> None:
    """Print the demo accounts' sign-in details (what `make run` shows)."""
    from portal.accounts.demo import credentials

    for line in credentials():
        click.echo(line)


@click.command("create-user")
@click.option("--username", required=True, help="Sign-in name: lower case letters, digits, . _ -")
@click.option("--role", required=True, type=click.Choice(["admin", "handler", "reviewer", "custodian", "supervisor"]))
@click.option("--region", "region_code", required=True, help="Jurisdiction: a GB/T 2260 code, e.g. 330100")
@click.option("--name", "display_name", default="", help="Name shown to colleagues")
@click.option("--certificate", default=None, help="Enforcement certificate number (handlers and reviewers)")
@click.option("--email", default="", help="Address for notifications (new cases, deadlines); optional")
@with_appcontext
def create_user(username: str, role: str, region_code: str, display_name: str, certificate: str | None,
                email: str) -> None:
    """Create an account and print its one-time password (changed at first sign-in)."""
    from portal.accounts import service
    from portal.accounts.models import Role
    from portal.regions.service import RegionNotFound

    try:
        user, one_time = service.create_user(username, display_name, Role(role), region_code, certificate,
                                             email=email)
    except RegionNotFound as exc:
        raise click.ClickException(f"no division has the code {region_code}") from exc
    except service.AccountError as exc:
        messages = {"username": "the username must be 3-40 lower-case letters, digits, . _ -",
                    "taken": "that username is taken", "certificate": "handlers and reviewers need --certificate",
                    "email": "--email is not a valid email address"}
        raise click.ClickException(messages[str(exc)]) from exc
    db.session.commit()
    click.echo(f"created {user.username} ({role}, {region_code})")
    click.echo(f"the one-time password works until {user.password_expires_at:%Y-%m-%d %H:%M} UTC")
    click.echo(f"one-time password: {one_time}")


COMMANDS = (create_user, demo_credentials)
