"""`flask audit checkpoint` and `flask audit signing-key`: signing the log's heads (on the signing
host), and the check `flask audit verify` adds for them."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("checkpoint")
@with_appcontext
def checkpoint_command() -> None:
    """Sign the head of the whole audit log (run hourly where the signing key is kept)."""
    from portal import clock
    from portal.transparency import service

    try:
        signed = service.checkpoint(clock.now())
    except service.SigningKeyMissing as exc:
        raise click.ClickException(f"No audit signing key at {exc}: sign heads on the host that keeps it "
                                   "(PORTAL_AUDIT_SIGNING_KEY_FILE).") from exc
    db.session.commit()
    if signed is None:
        click.echo("audit: nothing recorded since the last signed head")
        return
    click.echo(f"audit: signed head of {signed.tree_size} records, root {signed.root_hash}")


@click.command("signing-key")
@with_appcontext
def signing_key_command() -> None:
    """Make the audit signing key pair (once, on the signing host); publish the public key."""
    from portal.transparency import service

    try:
        private, public = service.generate_key()
    except FileExistsError as exc:
        raise click.ClickException(f"{exc} exists: a signing key is never replaced here") from exc
    click.echo(f"created {private} (keep it on this host and in the key bundle, nowhere else)")
    click.echo(f"created {public} (copy it to every web host: /transparency publishes it)")


def verify_heads() -> str | None:
    """`audit verify`'s check of the signed heads: None when every one agrees with the records."""
    from portal.transparency import service

    problem = service.verify()
    if problem is None:
        return None
    signed_at = service.head(problem.checkpoint)["signed_at"]
    return f"signed head of {problem.checkpoint.tree_size} records ({signed_at}): {problem.problem}"


def start_point():
    """`audit verify --since-checkpoint`'s start: the newest signed head once it holds, None to
    check everything, or what is wrong with it."""
    from portal.transparency import service

    start = service.newest_start()
    if isinstance(start, service.Problem):
        signed_at = service.head(start.checkpoint)["signed_at"]
        return f"signed head of {start.checkpoint.tree_size} records ({signed_at}): {start.problem}"
    return start
