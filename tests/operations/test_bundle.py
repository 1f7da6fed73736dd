"""The key bundle: the keys under a passphrase, put back where the settings point, never over
another key; a restored host with its bundle opens the old data."""
from __future__ import annotations

import json

from flask import Flask

from portal.operations import bundle

PASSPHRASE = "correct horse battery staple"
SETTINGS = bundle.SETTINGS


def passphrase_file(tmp_path):
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def test_a_bundle_holds_the_keys_encrypted_and_puts_them_back(app: Flask, runner, tmp_path):
    from portal.transparency import service as transparency

    with app.app_context():
        if not app.config["AUDIT_SIGNING_KEY_FILE"].exists():
            transparency.generate_key()  # the signing host's bundle carries the audit signing key too
    saved = {setting: app.config[setting] for setting in SETTINGS}
    originals = {setting: app.config[setting].read_bytes().strip() for setting in SETTINGS}
    target = tmp_path / "keys.bundle"
    made = runner.invoke(args=["keys", "bundle", "--to", str(target), "--passphrase-file",
                               str(passphrase_file(tmp_path))])
    assert made.exit_code == 0, made.output
    assert "IDENTITY_PRIVATE_KEY_FILE" in made.output and oct(target.stat().st_mode)[-3:] == "600"
    text = target.read_text()
    assert not [setting for setting, key in originals.items() if key.decode() in text]  # no key in the clear
    assert set(json.loads(text)["fingerprints"]) == {"pepper", "data_key", "identity_key"}
    again = runner.invoke(args=["keys", "bundle", "--to", str(target), "--passphrase-file",
                                str(passphrase_file(tmp_path))])
    assert again.exit_code == 1 and "exists" in again.output  # never overwritten

    fresh = tmp_path / "restored"
    for setting in SETTINGS:
        app.config[setting] = fresh / setting.lower()
    try:
        wrong = tmp_path / "wrong"
        wrong.write_text("not the passphrase at all", encoding="utf-8")
        refused = runner.invoke(args=["keys", "unbundle", str(target), "--passphrase-file", str(wrong)])
        assert refused.exit_code == 1 and "Wrong passphrase" in refused.output
        assert not fresh.exists()
        put_back = runner.invoke(args=["keys", "unbundle", str(target), "--passphrase-file",
                                       str(passphrase_file(tmp_path))])
        assert put_back.exit_code == 0, put_back.output
        for setting in SETTINGS:
            assert (fresh / setting.lower()).read_bytes().strip() == originals[setting]
        checked = runner.invoke(args=["keys", "check"])
        assert checked.exit_code == 0 and "sample: opened" in checked.output  # the old data opens
        (fresh / "data_key_file").write_bytes(b"another key\n")
        clash = runner.invoke(args=["keys", "unbundle", str(target), "--passphrase-file",
                                    str(passphrase_file(tmp_path))])
        assert clash.exit_code == 1 and "hold other keys" in clash.output
        assert (fresh / "data_key_file").read_bytes() == b"another key\n"  # never replaced
    finally:
        app.config.update(saved)


def test_a_short_passphrase_is_refused(app: Flask, runner, tmp_path):
    short = tmp_path / "short"
    short.write_text("too short", encoding="utf-8")
    refused = runner.invoke(args=["keys", "bundle", "--to", str(tmp_path / "b"), "--passphrase-file", str(short)])
    assert refused.exit_code == 1 and "at least 12 characters" in refused.output
    assert not (tmp_path / "b").exists()
