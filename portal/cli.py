"""The portal-wide `flask --app portal …` commands (keys, demo data, backup, catalogues); each feature
adds its own in its `init_app`. Each does its work through a service and commits once."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from portal.config import PROJECT_ROOT, SUPPORTED_LOCALES
from portal.extensions import db

keys_cli = AppGroup("keys", help="The portal's secret keys.")
translate_cli = AppGroup("translate", help="Message catalogues (extract, update, compile).")

TRANSLATIONS = PROJECT_ROOT / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"


@keys_cli.command("generate")
def keys_generate() -> None:
    """Create the secret key, receipt pepper, data key and identity key pair where missing."""
    from portal.security import keys

    config = current_app.config
    results = keys.generate(config["SECRET_KEY_FILE"], config["RECEIPT_PEPPER_FILE"],
                            config["DATA_KEY_FILE"], config["IDENTITY_PUBLIC_KEY_FILE"],
                            config["IDENTITY_PRIVATE_KEY_FILE"])
    for result in results:
        click.echo(f"{'created' if result.created else 'kept   '} {result.path}")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Fill an empty portal with demo data; running it again adds nothing twice."""
    from portal import demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo creates accounts with published passwords: not in production")
    for line in demo.seed():
        click.echo(line)
    db.session.commit()


@click.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the backup file (default: instance/backups).")
@with_appcontext
def backup_command(folder: Path | None) -> None:
    """Write a consistent backup of the database (SQLite backup API or pg_dump)."""
    from portal.backup import BackupFailed, backup
    from portal.db import utcnow

    folder = folder or Path(current_app.instance_path) / "backups"
    try:
        path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], folder, utcnow())
    except BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {path}")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def extract_messages(output: Path = POT_FILE) -> None:
    """Extract every translatable string of the code and templates into `output`."""
    _pybabel("-q", "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "-k", "_lp:1c,2", "--no-location",
             "--sort-output", "--omit-header", "-o", str(output), str(PROJECT_ROOT))


@translate_cli.command("extract")
def translate_extract() -> None:
    """Extract every translatable string into translations/messages.pot."""
    extract_messages()


@translate_cli.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into each locale's catalogue."""
    translate_extract.callback()
    for locale in SUPPORTED_LOCALES:
        _pybabel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "-l", locale,
                 "--no-fuzzy-matching", "--ignore-obsolete", "-w", "100")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogues to .mo files."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    for command in (keys_cli, translate_cli, seed_demo, backup_command):
        app.cli.add_command(command)
