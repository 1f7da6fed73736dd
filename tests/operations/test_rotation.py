"""Key rotation with data present, on the database the suite runs on: the data key, the pepper and
the identity key are rotated; old receipts track, evidence decrypts, identities open, new receipts
use the new pepper; data from before keys had versions moves too; a stopped rotation continues."""
from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from flask_migrate import upgrade
from nacl.encoding import HexEncoder
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox
from sqlalchemy import LargeBinary, select, update

from portal import demo
from portal.accounts.models import User
from portal.casework import lookup
from portal.casework.models import Attachment, Complaint, NotifyChannel
from portal.config import PROJECT_ROOT
from portal.db import Base
from portal.extensions import db
from portal.intake import filing
from portal.operations import rotation
from portal.security import crypto, keyring, receipts
from portal.security.attachments import clean
from portal.security.audit import AuditRecord
from tests.support import files
from tests.support.apps import make_app
from tests.support.complaints import draft, named_identity
from tests.support.databases import isolated_database

pytestmark = pytest.mark.slow  # migrates a database from scratch

MIGRATIONS = str(PROJECT_ROOT / "migrations")


def file_one(photo, email="parent@example.cn") -> tuple[str, int]:
    filed = filing.file_complaint(draft(identity=named_identity(), files=[photo],
                                        notify_channel=NotifyChannel.EMAIL, notify_contact=email),
                                  secrets.token_urlsafe(32), dt.date(2026, 11, 23))
    db.session.commit()
    return filed.receipt, filed.complaint.id


def make_legacy(complaint_id: int, instance) -> None:
    """Turn a complaint's stored secrets into what the portal wrote before keys had versions: no
    envelope, and no pepper named beside the receipt."""
    data_box = SecretBox((instance / "data_key").read_bytes().strip(), encoder=HexEncoder)
    private = PrivateKey((instance / "identity_key").read_bytes().strip(), encoder=HexEncoder)
    complaint = db.session.get(Complaint, complaint_id)
    attachment = db.session.scalar(select(Attachment).where(Attachment.complaint_id == complaint_id))
    attachment.wrapped_key = data_box.encrypt(crypto._open_data(attachment.wrapped_key))
    complaint.notify_contact_encrypted = data_box.encrypt(b"legacy@example.cn")
    complaint.reporter_sealed = SealedBox(private.public_key).encrypt(crypto._open_sealed(complaint.reporter_sealed))
    complaint.receipt_pepper = None
    db.session.commit()


def all_under(name: str, columns) -> bool:
    prefix = keyring.enclose(keyring.current(name), b"")
    return all(value.startswith(prefix) for column in columns
               for value in db.session.scalars(select(column).where(column.is_not(None))))


def test_rotating_every_key_with_data_present(tmp_path, database_url):
    with isolated_database(database_url, "key_rotation", tmp_path) as url:
        instance = tmp_path / "instance"
        app = make_app(instance, url, KEY_REFRESH_SECONDS=0)
        runner = app.test_cli_runner()
        photo = clean(files.jpeg_with_gps(), "photo.jpg")
        with app.app_context():
            upgrade(MIGRATIONS)
            list(demo.seed())
            old_receipt, old_id = file_one(photo)
            make_legacy(old_id, instance)
            receipt, complaint_id = file_one(photo)
            old_data_key = keyring.current("data_key")
            totp_before = {user.id: crypto.decrypt_text(user.totp_secret)
                           for user in db.session.scalars(select(User).where(User.totp_secret.is_not(None)))}
            assert totp_before
            db.session.remove()
        assert runner.invoke(args=["keys", "check"]).exit_code == 0

        # A second host: it reads the same key files and learns from the database which is current.
        other = make_app(tmp_path / "other", url, KEY_REFRESH_SECONDS=0,
                         **{setting: app.config[setting] for setting in (
                             "RECEIPT_PEPPER_FILE", "DATA_KEY_FILE", "IDENTITY_PUBLIC_KEY_FILE",
                             "IDENTITY_PRIVATE_KEY_FILE")})
        with other.app_context():
            assert keyring.tag_of(crypto.encrypt_text("x")) == old_data_key.tag

        # The data key.
        rotated = runner.invoke(args=["keys", "rotate", "data-key"])
        assert rotated.exit_code == 0, rotated.output
        assert "0 still under an older key" in rotated.output
        with app.app_context():
            new_data_key = keyring.current("data_key")
            assert new_data_key != old_data_key and len(keyring.ring("data_key")) == 2
            assert all_under("data_key", rotation.DATA_KEY_COLUMNS)
            for number, code in ((old_id, old_receipt), (complaint_id, receipt)):
                complaint = lookup.find_by_receipt(code)
                assert complaint.id == number
                attachment = db.session.scalar(select(Attachment).where(Attachment.complaint_id == number))
                assert crypto.decrypt_file(crypto.Sealed(attachment.ciphertext, attachment.wrapped_key)) == photo.data
            assert crypto.decrypt_text(db.session.get(Complaint, old_id).notify_contact_encrypted) \
                == "legacy@example.cn"
            assert {user.id: crypto.decrypt_text(user.totp_secret) for user in db.session.scalars(
                select(User).where(User.totp_secret.is_not(None)))} == totp_before
            db.session.remove()
        with other.app_context():
            assert keyring.tag_of(crypto.encrypt_text("x")) == new_data_key.tag  # switched without a restart

        # A value the other host wrote under the old key before it noticed: retiring is refused
        # until `--continue` moves it; no new key is made for that.
        with app.app_context():
            late = SecretBox(old_data_key.material, encoder=HexEncoder).encrypt(b"late@x.cn")
            db.session.execute(update(Complaint).where(Complaint.id == complaint_id)
                               .values(notify_contact_encrypted=keyring.enclose(old_data_key, late)))
            db.session.commit()
        refused = runner.invoke(args=["keys", "retire", "data-key"])
        assert refused.exit_code == 1 and "1 stored values are still under an older data_key" in refused.output
        resumed = runner.invoke(args=["keys", "rotate", "data-key", "--continue"])
        assert resumed.exit_code == 0 and "1 stored values moved" in resumed.output, resumed.output
        retired = runner.invoke(args=["keys", "retire", "data-key"])
        assert retired.exit_code == 0, retired.output
        with app.app_context():
            assert keyring.ring("data_key") == [new_data_key]
            assert crypto.decrypt_text(db.session.get(Complaint, complaint_id).notify_contact_encrypted) == "late@x.cn"
            db.session.remove()

        # The pepper: old receipts keep theirs; a new receipt is hashed with the new one.
        pepper = runner.invoke(args=["keys", "rotate", "pepper"])
        assert pepper.exit_code == 0, pepper.output
        with app.app_context():
            peppers = keyring.ring("pepper")
            assert len(peppers) == 2 and keyring.current("pepper") == peppers[1]
            assert lookup.find_by_receipt(old_receipt).receipt_pepper == peppers[0].fingerprint  # stamped
            assert lookup.find_by_receipt(receipt).id == complaint_id
            new_receipt, new_id = file_one(photo)
            new = lookup.find_by_receipt(new_receipt)
            assert new.id == new_id and new.receipt_pepper == peppers[1].fingerprint
            assert new.receipt_digest != receipts.digest(new_receipt, peppers[0].material)
            db.session.remove()
        assert runner.invoke(args=["keys", "retire", "pepper"]).exit_code == 2  # not a choice: never retired

        # The identity key, on the custodian's workstation (this host holds the private key).
        identity = runner.invoke(args=["keys", "rotate", "identity-key"])
        assert identity.exit_code == 0 and "0 still under an older key" in identity.output, identity.output
        assert runner.invoke(args=["keys", "retire", "identity-key"]).exit_code == 0
        with app.app_context():
            assert len(keyring.private_ring()) == 1 and len(keyring.ring("identity_key")) == 1
            assert all_under("identity_key", rotation.IDENTITY_COLUMNS)
            for number in (old_id, complaint_id, new_id):
                assert crypto.open_identity(db.session.get(Complaint, number).reporter_sealed)["phone"] == \
                    named_identity().phone
            records = list(db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)))
            actions = [record.action for record in records if record.action.startswith("keys.")]
            assert actions.count("keys.rotated") == 3 and "keys.retired" in actions
            texts = " ".join(record.before + record.after for record in records)
            for path in instance.iterdir():
                if "key" in path.name or "pepper" in path.name:
                    for line in keyring.lines(path.read_bytes()):
                        assert line.decode() not in texts  # fingerprints only, never a key
            db.session.remove()
        checked = runner.invoke(args=["keys", "check"])
        assert checked.exit_code == 0 and "identity_key  ok" in checked.output, checked.output
        assert runner.invoke(args=["audit", "verify"]).exit_code == 0
        for each in (app, other):
            with each.app_context():
                db.engine.dispose()


def test_a_web_host_cannot_rotate_the_identity_key(app, runner, tmp_path):
    saved = app.config["IDENTITY_PRIVATE_KEY_FILE"]
    app.config["IDENTITY_PRIVATE_KEY_FILE"] = tmp_path / "not-here"
    try:
        refused = runner.invoke(args=["keys", "add", "identity-key"])
    finally:
        app.config["IDENTITY_PRIVATE_KEY_FILE"] = saved
    assert refused.exit_code == 1 and "custodian's workstation" in refused.output
    assert not (tmp_path / "not-here").exists()
    app.config["IDENTITY_PRIVATE_KEY_FILE"] = tmp_path / "not-here"
    try:
        resumed = runner.invoke(args=["keys", "rotate", "identity-key", "--continue"])
    finally:
        app.config["IDENTITY_PRIVATE_KEY_FILE"] = saved
    assert resumed.exit_code == 1 and "custodian's workstation" in resumed.output


def test_every_binary_column_is_rotated_or_says_why_not():
    from portal import models  # noqa: F401  (every feature's tables)

    rotated = {f"{column.class_.__tablename__}.{column.key}"
               for column in rotation.DATA_KEY_COLUMNS + rotation.IDENTITY_COLUMNS}
    binary = {f"{table.name}.{column.name}" for table in Base.metadata.tables.values()
              for column in table.columns if isinstance(column.type, LargeBinary)}
    assert binary == rotated | set(rotation.NOT_ROTATED), binary ^ (rotated | set(rotation.NOT_ROTATED))


def test_envelopes_name_their_key_and_old_data_still_opens(app):
    with app.app_context():
        key = keyring.current("data_key")
        made = crypto.encrypt_text("家长")
        assert keyring.tag_of(made) == key.tag and crypto.decrypt_text(made) == "家长"
        legacy = SecretBox(key.material, encoder=HexEncoder).encrypt("家长".encode())
        assert crypto.decrypt_text(legacy) == "家长" and not crypto.under_current_data_key(legacy)
        assert json.loads(json.dumps(crypto.open_identity(crypto.seal_identity({"name": "张"})))) == {"name": "张"}
