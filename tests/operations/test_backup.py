"""Backup and restore, on the database the suite runs on: backup → the database is lost → restore
into an empty one → an old receipt still tracks, the evidence decrypts, the audit chain verifies."""
from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
import sqlite3
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from portal import demo
from portal.casework import lookup
from portal.casework.models import Attachment
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.intake import filing
from portal.security import crypto
from portal.security.attachments import clean
from tests.support import files
from tests.support.apps import make_app
from tests.support.complaints import draft, named_identity
from tests.support.databases import is_postgresql, isolated_database

pytestmark = pytest.mark.slow  # migrates a database from scratch and runs pg_dump/pg_restore

MIGRATIONS = str(PROJECT_ROOT / "migrations")


def lose_the_database(url: str) -> None:
    """What a failed disk or a dropped database leaves: nothing (on SQLite, stale -wal/-shm files)."""
    if is_postgresql(url):
        schema = make_url(url).query["options"].split("=", 1)[1]
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
        return
    path = Path(make_url(url).database)
    # Keep a live write-ahead log of the old file, as a crash leaves it, then lose the file itself.
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("CREATE TABLE IF NOT EXISTS crash_marker (x)")
    holder.execute("INSERT INTO crash_marker VALUES (1)")
    holder.commit()
    for suffix in ("-wal", "-shm"):
        shutil.copyfile(f"{path}{suffix}", f"{path}{suffix}.kept")
    holder.close()
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}.kept").replace(f"{path}{suffix}")


def test_backup_restore_keeps_receipts_evidence_and_the_audit_chain(tmp_path, database_url):
    with isolated_database(database_url, "backup_round_trip", tmp_path) as url:
        app = make_app(tmp_path / "instance", url)
        runner = app.test_cli_runner()
        photo = clean(files.jpeg_with_gps(), "photo.jpg")
        with app.app_context():
            upgrade(MIGRATIONS)
            list(demo.seed())
            filed = filing.file_complaint(draft(identity=named_identity(), files=[photo]),
                                          secrets.token_urlsafe(32), dt.date(2026, 11, 23))
            db.session.commit()
            receipt, case_number = filed.receipt, filed.complaint.case_number
            db.session.remove()
            db.engine.dispose()
        checked = runner.invoke(args=["keys", "check"])
        assert checked.exit_code == 0, checked.output
        written = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
        assert written.exit_code == 0, written.output
        dump = next(p for p in (tmp_path / "backups").iterdir() if not p.name.endswith(".json"))
        manifest_text = (tmp_path / "backups" / f"{dump.name}.manifest.json").read_text()
        manifest = json.loads(manifest_text)
        assert manifest["row_counts"]["complaints"] >= 1 and manifest["schema_revision"]
        assert set(manifest["key_fingerprints"]) == {"pepper", "data_key", "identity_key"}
        for key_file in (tmp_path / "instance").glob("*key*"):
            assert key_file.read_bytes().strip().decode() not in manifest_text  # never key material
        assert (tmp_path / "instance" / "receipt_pepper").read_bytes().strip().decode() not in manifest_text

        with app.app_context():
            db.engine.dispose()
        lose_the_database(url)
        if not is_postgresql(url):  # the hazard is real: a plain copy beside the old log takes it in
            control = tmp_path / "control"
            control.mkdir()
            target = Path(make_url(url).database)
            for suffix in ("", "-wal", "-shm"):
                shutil.copyfile(f"{dump if not suffix else target}{suffix}", control / f"copy.sqlite3{suffix}")
            with sqlite3.connect(control / "copy.sqlite3") as copy:
                assert ("crash_marker",) in copy.execute("SELECT name FROM sqlite_master").fetchall()
        restored = runner.invoke(args=["restore", str(dump)])
        assert restored.exit_code == 0, restored.output
        assert "counts match the manifest" in restored.output and "open the stored data" in restored.output

        with app.app_context():
            complaint = lookup.find_by_receipt(receipt)
            assert complaint.case_number == case_number
            attachment = db.session.scalar(select(Attachment).where(Attachment.complaint_id == complaint.id))
            assert crypto.decrypt_file(crypto.Sealed(attachment.ciphertext, attachment.wrapped_key)) == photo.data
            assert crypto.open_identity(complaint.reporter_sealed)["phone"] == named_identity().phone
            if not is_postgresql(url):
                assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                tables = db.session.scalars(text("SELECT name FROM sqlite_master")).all()
                assert "crash_marker" not in tables  # the old write-ahead log was not replayed
            db.session.remove()
        verified = runner.invoke(args=["audit", "verify"])
        assert verified.exit_code == 0, verified.output

        again = runner.invoke(args=["restore", str(dump)])
        assert again.exit_code == 1 and "already holds tables" in again.output  # never over data
        with app.app_context():
            db.engine.dispose()


def test_a_damaged_backup_is_refused(tmp_path, database_url):
    with isolated_database(database_url, "backup_damaged", tmp_path) as url:
        app = make_app(tmp_path / "instance", url)
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        runner = app.test_cli_runner()
        assert runner.invoke(args=["backup", "--to", str(tmp_path / "b")]).exit_code == 0
        dump = next(p for p in (tmp_path / "b").iterdir() if not p.name.endswith(".json"))
        with dump.open("ab") as handle:
            handle.write(b"x")
        refused = runner.invoke(args=["restore", str(dump)])
        assert refused.exit_code == 1 and "does not match its manifest" in refused.output
