"""The key bundle: every key file the stored data depends on, encrypted under a passphrase, to keep
apart from the backups. A backup restored without its keys tracks no receipt and opens nothing.

The passphrase is stretched with argon2id (libsodium, through PyNaCl; the limits are written in
the bundle) into a key for XSalsa20-Poly1305 (`SecretBox`). Outside the box the bundle shows only
its format, the argon2id parameters, the salt and the keys' fingerprints, which say which backups
it belongs to and reveal nothing about the keys.
"""
from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

import nacl.pwhash
import nacl.utils
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from portal.config import read_secret_file

FORMAT = "portal-key-bundle-1"
# Which files a bundle holds, by the settings naming them. The secret key signs sessions only and
# can be replaced freely; it travels too, so a restored host keeps its users signed in.
SETTINGS = ("RECEIPT_PEPPER_FILE", "DATA_KEY_FILE", "IDENTITY_PUBLIC_KEY_FILE", "IDENTITY_PRIVATE_KEY_FILE",
            "SECRET_KEY_FILE", "AUDIT_SIGNING_KEY_FILE", "AUDIT_SIGNING_PUBLIC_KEY_FILE")
REQUIRED = ("RECEIPT_PEPPER_FILE", "DATA_KEY_FILE", "IDENTITY_PUBLIC_KEY_FILE")
OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE  # 64 MiB: a web host can afford it at once
MIN_PASSPHRASE = 12


class BundleError(RuntimeError):
    """The bundle cannot be made or opened (missing key, wrong passphrase, damaged file)."""


@dataclass(frozen=True)
class Opened:
    keys: dict[str, bytes]  # setting name -> key file content
    fingerprints: dict[str, str]


def _box(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> SecretBox:
    key = nacl.pwhash.argon2id.kdf(SecretBox.KEY_SIZE, passphrase.encode(), salt, opslimit=opslimit,
                                   memlimit=memlimit)
    return SecretBox(key)


def make(paths: dict[str, Path], passphrase: str, fingerprints: dict[str, str | None]) -> tuple[bytes, list[str]]:
    """The bundle's bytes, and the settings whose files it holds."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BundleError(f"Use a passphrase of at least {MIN_PASSPHRASE} characters")
    keys = {}
    for setting in SETTINGS:
        content = read_secret_file(paths[setting])
        if content is None and setting in REQUIRED:
            raise BundleError(f"No key file at {paths[setting]} ({setting}): nothing to bundle for it")
        if content is not None:
            keys[setting] = content.decode()
    salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
    sealed = _box(passphrase, salt, OPSLIMIT, MEMLIMIT).encrypt(json.dumps(keys).encode())
    bundle = {"format": FORMAT, "kdf": "argon2id", "opslimit": OPSLIMIT, "memlimit": MEMLIMIT,
              "salt": salt.hex(), "fingerprints": {k: v for k, v in fingerprints.items() if v},
              "box": base64.b64encode(sealed).decode()}
    return (json.dumps(bundle, indent=2, sort_keys=True) + "\n").encode(), sorted(keys)


def open_bundle(data: bytes, passphrase: str) -> Opened:
    """The key files a bundle holds; a wrong passphrase or a damaged file raises BundleError."""
    try:
        bundle = json.loads(data)
        if bundle.get("format") != FORMAT:
            raise BundleError(f"Not a key bundle of this portal (format {bundle.get('format')!r})")
        box = _box(passphrase, bytes.fromhex(bundle["salt"]), int(bundle["opslimit"]), int(bundle["memlimit"]))
        keys = json.loads(box.decrypt(base64.b64decode(bundle["box"])))
    except CryptoError as exc:
        raise BundleError("Wrong passphrase, or the bundle is damaged") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleError("Not a readable key bundle") from exc
    return Opened({setting: value.encode() for setting, value in keys.items()}, bundle.get("fingerprints", {}))


def write_private(path: Path, content: bytes) -> None:
    """Write a file readable by its owner only; never replace one that exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
