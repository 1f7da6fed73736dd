"""`flask --app portal …` commands. Each does its work through a feature's service and commits once."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from portal.blacklist.cli import blacklist_cli
from portal.config import PROJECT_ROOT, SUPPORTED_LOCALES
from portal.extensions import db
from portal.inspections.cli import inspections_cli
from portal.notifications.cli import notify_cli
from portal.search.cli import search_cli

keys_cli = AppGroup("keys", help="The portal's secret keys.")
regions_cli = AppGroup("regions", help="The GB/T 2260 division table.")
translate_cli = AppGroup("translate", help="Message catalogues (extract, update, compile).")
holidays_cli = AppGroup("holidays", help="The working-day calendar.")
audit_cli = AppGroup("audit", help="The hash-chained audit trail.")

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


@regions_cli.command("load")
def regions_load() -> None:
    """Load or refresh the division table from the shipped data file."""
    from portal.regions import service

    added, changed, retired = service.load()
    db.session.commit()
    click.echo(f"regions: {added} added, {changed} changed, {retired} marked old")


@holidays_cli.command("import")
@click.argument("schedule", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="The year the schedule is for (required with a file).")
def holidays_import(schedule: Path | None, year: int | None) -> None:
    """Enter a year's official schedule from a CSV file (date,kind,name; kind is holiday or
    workday), replacing that year only; without a file, enter the years chinesecalendar knows."""
    from portal.workdays import service

    if schedule is None:
        years = service.import_package()
        db.session.commit()
        click.echo(f"holidays: {len(years)} years entered from chinesecalendar")
        return
    if year is None:
        raise click.ClickException("give --year: the year this schedule is for")
    try:
        days = service.import_file(schedule, year)
    except service.ScheduleInvalid as exc:
        raise click.ClickException(f"not a schedule: {exc}") from exc
    db.session.commit()
    click.echo(f"holidays: {year} entered with {days} exceptional days")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the chain; exit 1 naming the first broken link if a record was altered or removed."""
    from portal.security import audit

    checked, broken = audit.verify()
    if broken is None:
        click.echo(f"audit: {checked} records, chain intact")
        return
    where = f"record {broken.record_id}" if broken.record_id is not None else "the end of the chain"
    click.echo(f"audit: chain broken at {where}: {broken.problem} ({checked} records intact before it)")
    sys.exit(1)


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
    click.echo(f"one-time password: {one_time}")


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
    _pybabel("-q", "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "--no-location",
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
    for command in (keys_cli, regions_cli, holidays_cli, audit_cli, translate_cli, notify_cli, blacklist_cli, search_cli,
                    inspections_cli,
                    seed_demo,
                    backup_command, create_user, demo_credentials):
        app.cli.add_command(command)
