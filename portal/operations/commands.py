"""`flask --app portal keys …` (create the keys once, prove the configured ones open the data,
bundle them under a passphrase and put a bundle back), `backup` and `restore`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from portal.config import read_secret_file
from portal.extensions import db
from portal.operations import bundle, keychecks

keys_cli = AppGroup("keys", help="The portal's secret keys.")

RESTORE_ADVICE = ("Stored data depends on the keys it was written with: a new key would leave every "
                  "receipt unable to track and every file and sealed identity unreadable. Restore the "
                  "key files from the key bundle kept with the backups (`flask --app portal keys "
                  "unbundle FILE`, or copy them and point the PORTAL_*_FILE settings at them), then "
                  "run `flask --app portal keys check`.")


@keys_cli.command("generate")
def keys_generate() -> None:
    """Create the secret key, receipt pepper, data key and identity key pair where missing; refuse
    to create a key stored data depends on when the database already holds such data."""
    from portal.security import keys

    config = current_app.config
    missing = [name for name in keychecks.DATA_KEYS if keychecks.key_material(name) is None]
    try:
        holds_data = bool(missing) and keychecks.data_depending_on_keys()
    except SQLAlchemyError as exc:
        raise click.ClickException("Cannot reach the configured database to check that it holds no data "
                                   "depending on the keys; refusing to create keys without knowing.") from exc
    if holds_data:
        raise click.ClickException(
            f"Refusing to create {', '.join(missing)}: the database already holds data. {RESTORE_ADVICE}")
    results = keys.generate(config["SECRET_KEY_FILE"], config["RECEIPT_PEPPER_FILE"],
                            config["DATA_KEY_FILE"], config["IDENTITY_PUBLIC_KEY_FILE"],
                            config["IDENTITY_PRIVATE_KEY_FILE"])
    for result in results:
        click.echo(f"{'created' if result.created else 'kept   '} {result.path}")


@keys_cli.command("check")
def keys_check() -> None:
    """Prove the configured keys are the ones the stored data was written with (fingerprints and a
    sample opened with each); record the fingerprints of keys not yet recorded. Exits 1 on a mismatch."""
    statuses = keychecks.check()
    for status in statuses:
        click.echo(f"{status.name:13} {status.state:10} sample: {status.sample}")
    bad = [status.name for status in statuses if not status.good]
    if bad:
        db.session.rollback()
        raise click.ClickException(f"These keys do not open the stored data: {', '.join(bad)}. {RESTORE_ADVICE}")
    for name in keychecks.record(statuses):
        click.echo(f"recorded the fingerprint of {name}")
    db.session.commit()
    click.echo("the configured keys open the stored data")
    from portal.operations import rotation

    for name in ("data_key", "identity_key"):
        if left := rotation.remaining(name):
            click.echo(f"{left} values are under an older {name} (or from before keys had versions); "
                       f"`keys rotate {name.replace('_', '-')}` moves them to the current one")


KEY_NAMES = {"data-key": "data_key", "pepper": "pepper", "identity-key": "identity_key"}
key_name = click.Choice(sorted(KEY_NAMES))


def _checked_keys() -> None:
    """Rotation starts only from keys that open the stored data, their fingerprints recorded."""
    statuses = keychecks.check()
    bad = [status.name for status in statuses if not status.good]
    if bad:
        db.session.rollback()
        raise click.ClickException(f"These keys do not open the stored data: {', '.join(bad)}; "
                                   "`flask --app portal keys check` says more. Nothing was changed.")
    keychecks.record(statuses)
    db.session.commit()


@keys_cli.command("add")
@click.argument("which", type=key_name)
def keys_add(which: str) -> None:
    """Add a new key to this host's key file, not yet current: copy the file to every other host
    that has it, then run `keys rotate` once. (identity-key: on the custodian's workstation.)"""
    from portal.operations import rotation

    _checked_keys()
    name = KEY_NAMES[which]
    try:
        key = rotation.add_key(name)
    except rotation.RotationRefused as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    files = [current_app.config[keychecks.DATA_KEYS[name]]]
    if name == "identity_key":
        click.echo(f"added a new identity key pair (fingerprint {key.fingerprint}): the private key to "
                   f"{current_app.config['IDENTITY_PRIVATE_KEY_FILE']}, the public key to {files[0]}")
        click.echo("Copy the public key file to every web host, then run "
                   "`flask --app portal keys rotate identity-key` here.")
    else:
        click.echo(f"added a new {which} (fingerprint {key.fingerprint}) to {files[0]}")
        click.echo(f"Copy that file to every other host, then run `flask --app portal keys rotate {which}` once.")


@keys_cli.command("rotate")
@click.argument("which", type=key_name)
@click.option("--continue", "resume", is_flag=True,
              help="Only move what an interrupted rotation left under older keys.")
def keys_rotate(which: str, resume: bool) -> None:
    """Make a new key current (the one `keys add` added, or a new one made here) and move the stored
    data to it, in committed batches while the portal runs. Run it again with --continue if it stops."""
    from portal.operations import rotation

    _checked_keys()
    name = KEY_NAMES[which]
    if not resume and rotation.staged(name) is None:
        click.echo(f"no {which} was added with `keys add`: making one in this host's file. On a "
                   "deployment of several hosts, copy the file to the others now; until then they are not ready.")
    try:
        key, done = rotation.rotate(name, resume=resume,
                                    progress=lambda table, count: click.echo(f"  {table}: {count} rows read"))
    except rotation.RotationRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{which} {key.fingerprint} is current")
    if name == "pepper":
        click.echo("New receipts, recovery codes and tokens use it; receipts made before keep the pepper they "
                   "name, which stays in the file.")
    else:
        click.echo(f"{done.rewritten} stored values moved to it; {done.remaining} still under an older key")
        if done.remaining:
            raise click.ClickException("Some values could not be moved yet: run the command again with --continue.")
        click.echo(f"When every host has the file, `flask --app portal keys retire {which}` removes the old key.")
    click.echo("Make a new key bundle: `flask --app portal keys bundle --to FILE`.")


@keys_cli.command("retire")
@click.argument("which", type=click.Choice(["data-key", "identity-key"]))
def keys_retire(which: str) -> None:
    """Remove the old keys from this host's key file once no stored value depends on them."""
    from portal.operations import rotation

    _checked_keys()
    try:
        removed = rotation.retire(KEY_NAMES[which])
    except rotation.RotationRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{removed} old {which} removed from this host's file; copy the file to the other hosts.")


def _passphrase(passphrase_file: Path | None, confirm: bool) -> str:
    if passphrase_file is not None:
        return passphrase_file.read_text(encoding="utf-8").strip()
    return click.prompt("Passphrase of the key bundle", hide_input=True, confirmation_prompt=confirm)


@keys_cli.command("bundle")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The bundle file to write (never overwritten).")
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the passphrase from this file instead of asking for it.")
def keys_bundle(target: Path, passphrase_file: Path | None) -> None:
    """Write the key files stored data depends on into one file encrypted under a passphrase, to
    keep apart from the backups (argon2id and XSalsa20-Poly1305, through PyNaCl)."""
    config = current_app.config
    passphrase = _passphrase(passphrase_file, confirm=True)
    try:
        data, held = bundle.make({setting: Path(config[setting]) for setting in bundle.SETTINGS}, passphrase,
                                 keychecks.configured_fingerprints())
        bundle.write_private(target, data)
    except bundle.BundleError as exc:
        raise click.ClickException(str(exc)) from exc
    except FileExistsError as exc:
        raise click.ClickException(f"{target} exists: choose another name") from exc
    click.echo(f"key bundle written to {target}: {', '.join(held)}")
    if "IDENTITY_PRIVATE_KEY_FILE" not in held:
        click.echo("The identity private key is not on this host: its custodian must bundle it on their "
                   "workstation (PORTAL_IDENTITY_PRIVATE_KEY_FILE set there) or sealed identities stay closed.")
    click.echo("Keep the bundle and its passphrase apart from the backups, each with its own custodian.")


@keys_cli.command("unbundle")
@click.argument("bundle_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the passphrase from this file instead of asking for it.")
def keys_unbundle(bundle_file: Path, passphrase_file: Path | None) -> None:
    """Put a key bundle's files where the PORTAL_*_FILE settings point; an existing file with
    another key is never replaced. Then run `keys check`."""
    config = current_app.config
    try:
        opened = bundle.open_bundle(bundle_file.read_bytes(), _passphrase(passphrase_file, confirm=False))
    except bundle.BundleError as exc:
        raise click.ClickException(str(exc)) from exc
    conflicts = [Path(config[setting]) for setting, content in opened.keys.items()
                 if (existing := read_secret_file(Path(config[setting]))) is not None and existing != content]
    if conflicts:
        raise click.ClickException(f"These files hold other keys: {', '.join(map(str, conflicts))}. Move them "
                                   "aside (they may belong to data too) and run the command again.")
    for setting, content in opened.keys.items():
        path = Path(config[setting])
        if read_secret_file(path) is None:
            path.unlink(missing_ok=True)  # an empty file is a failed earlier attempt
            bundle.write_private(path, content + b"\n")
            click.echo(f"restored {path}")
        else:
            click.echo(f"kept     {path} (the same key)")
    click.echo("Now run `flask --app portal keys check`.")


@click.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the backup (default: instance/backups).")
@with_appcontext
def backup_command(folder: Path | None) -> None:
    """Write a consistent backup of the database (SQLite backup API or pg_dump) and its manifest:
    time, schema revision, row counts, key fingerprints (never a key)."""
    from portal.backup import BackupFailed, write_backup
    from portal.db import utcnow

    folder = folder or Path(current_app.instance_path) / "backups"
    try:
        written = write_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], folder, utcnow(),
                               keychecks.configured_fingerprints())
    except BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {written.dump}")
    click.echo(f"manifest written to {written.manifest}")
    click.echo("Keep the key bundle (pepper, data key, identity key pair) apart from this backup: "
               "the data cannot be read without those keys.")


@click.command("restore")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(dump: Path) -> None:
    """Restore a backup written by `flask backup` into the configured database, which must be empty
    (a new PostgreSQL database; for SQLite a path with no database yet), then check it against the
    manifest and the configured keys."""
    from portal.backup import BackupFailed, restore

    db.session.remove()
    db.engine.dispose()  # no connection may hold the old file or database open
    try:
        manifest = restore(dump, current_app.config["SQLALCHEMY_DATABASE_URI"])
    except BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    db.engine.dispose()
    rows = sum(manifest["row_counts"].values())
    click.echo(f"restored {dump.name} ({manifest['created_at']}, revision {', '.join(manifest['schema_revision'])}, "
               f"{rows} rows in {len(manifest['row_counts'])} tables): counts match the manifest")
    configured = keychecks.configured_rings()
    recorded = manifest.get("key_fingerprints") or {}
    differing = [name for name, value in recorded.items() if value not in configured.get(name, set())]
    if differing:
        raise click.ClickException(f"The configured keys are not the ones of this backup ({', '.join(differing)}). "
                                   + RESTORE_ADVICE)
    keys_check.callback()
