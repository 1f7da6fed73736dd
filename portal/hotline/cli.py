"""`flask hotline …`: the 12345 platforms allowed to send work orders, managed by an administrator
with server access (audited as the system; the secret is printed once and never logged)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.errors import PortalError
from portal.extensions import db

hotline_cli = AppGroup("hotline", help="Partners of the 12345 hotline: client ids, secrets, callback addresses.")
ACTOR = "system"


def _done(partner, secret: str | None = None) -> None:
    db.session.commit()
    click.echo(f"hotline: {partner.client_id} {partner.name} region {partner.region_code} "
               f"{'active' if partner.active else 'stopped'} callbacks to {partner.callback_url}")
    if secret is not None:
        click.echo(f"secret (shown once; hand it to the partner over a secure channel): {secret}")


def _run(change):
    from portal.hotline import partners

    try:
        return change(partners)
    except partners.PartnerNotFound as exc:
        raise click.ClickException("no partner has this client id") from exc
    except partners.CallbackNotAllowed as exc:
        raise click.ClickException("the callback address must be https (plain http only to this machine)") from exc
    except partners.RegionNotServed as exc:
        raise click.ClickException("a partner serves a province, a city or a county, not the whole country") \
            from exc
    except PortalError as exc:
        raise click.ClickException(f"refused: {type(exc).__name__}") from exc


@hotline_cli.command("add")
@click.option("--name", required=True, help="The platform, e.g. 杭州市12345政务服务便民热线.")
@click.option("--region", required=True, help="The area code it serves (a province, city or county).")
@click.option("--callback-url", required=True, help="Where our signed callbacks are posted (https).")
def add(name: str, region: str, callback_url: str) -> None:
    """Add a partner; prints its client id and its secret, once."""
    partner, secret = _run(lambda partners: partners.add(ACTOR, name, region, callback_url))
    _done(partner, secret)


@hotline_cli.command("list")
def listed() -> None:
    """Every partner, without its secret."""
    from portal.hotline import partners

    for partner in partners.listed():
        click.echo(f"{partner.client_id}\t{partner.region_code}\t{'active' if partner.active else 'stopped'}\t"
                   f"{partner.callback_url}\t{partner.name}")


@hotline_cli.command("new-secret")
@click.argument("client_id")
def new_secret(client_id: str) -> None:
    """Issue a new secret; the old one stops working at once."""
    from portal.hotline import partners

    secret = _run(lambda found: found.new_secret(ACTOR, client_id))
    _done(partners.get(client_id), secret)


@hotline_cli.command("set-callback")
@click.argument("client_id")
@click.argument("callback_url")
def set_callback(client_id: str, callback_url: str) -> None:
    """Send the partner's callbacks to another address."""
    _done(_run(lambda partners: partners.set_callback(ACTOR, client_id, callback_url)))


@hotline_cli.command("stop")
@click.argument("client_id")
@click.option("--reason", required=True)
def stop(client_id: str, reason: str) -> None:
    """Refuse the partner's requests and give up its callbacks."""
    _done(_run(lambda partners: partners.set_active(ACTOR, client_id, False, reason)))


@hotline_cli.command("resume")
@click.argument("client_id")
@click.option("--reason", required=True)
def resume(client_id: str, reason: str) -> None:
    """Let a stopped partner in again."""
    _done(_run(lambda partners: partners.set_active(ACTOR, client_id, True, reason)))
