"""The portal-wide `flask --app portal …` commands (demo data, catalogues); each feature
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

translate_cli = AppGroup("translate", help="Message catalogues (extract, update, compile).")

TRANSLATIONS = PROJECT_ROOT / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"


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


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def extract_messages(output: Path = POT_FILE) -> None:
    """Extract every translatable string of the code and templates into `output`."""
    # The keywords are also in babel.cfg; both say them for a Babel older than 2.16's per-file keywords.
    _pybabel("-q", "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "-k", "_lp:1c,2",
             "-k", "_p:1c,2", "--no-location", "--sort-output", "--omit-header", "-o", str(output), str(PROJECT_ROOT))


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
    for command in (translate_cli, seed_demo):
        app.cli.add_command(command)
