"""Encryption at rest: reporters' identities sealed to the identity key, files under the data key.

Keys are read from their files once per application and kept in `app.extensions`, never in
module globals.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

import nacl.utils
from flask import current_app
from nacl.encoding import HexEncoder
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from portal.config import read_secret_file


class KeyUnavailable(RuntimeError):
    """A key file the operation needs is not configured on this host."""


@dataclass(frozen=True)
class Sealed:
    """A file encrypted with its own key, and that key wrapped by the data key."""

    ciphertext: bytes
    wrapped_key: bytes


def _keys() -> dict:
    return current_app.extensions.setdefault("portal_keys", {})


def _load(setting: str) -> bytes:
    cache = _keys()
    if setting not in cache:
        value = read_secret_file(current_app.config[setting])
        if value is None:
            raise KeyUnavailable(setting)
        cache[setting] = value
    return cache[setting]


def pepper() -> bytes:
    """The receipt pepper."""
    return _load("RECEIPT_PEPPER_FILE")


def _data_box() -> SecretBox:
    return SecretBox(_load("DATA_KEY_FILE"), encoder=HexEncoder)


def seal_identity(identity: dict[str, str]) -> bytes:
    """Seal a reporter's identity to the identity public key; only the private key opens it."""
    public = PublicKey(_load("IDENTITY_PUBLIC_KEY_FILE"), encoder=HexEncoder)
    return SealedBox(public).encrypt(json.dumps(identity, ensure_ascii=False).encode())


def open_identity(sealed: bytes) -> dict[str, str]:
    """Open a sealed identity; needs the private key file, which most hosts do not have."""
    private = PrivateKey(_load("IDENTITY_PRIVATE_KEY_FILE"), encoder=HexEncoder)
    return json.loads(SealedBox(private).decrypt(sealed))


def encrypt_file(plaintext: bytes) -> Sealed:
    """Encrypt with a fresh per-file key, then wrap that key with the data key."""
    file_key = nacl.utils.random(SecretBox.KEY_SIZE)
    return Sealed(SecretBox(file_key).encrypt(plaintext), _data_box().encrypt(file_key))


def decrypt_file(sealed: Sealed) -> bytes:
    """Unwrap the file's key with the data key and decrypt the file."""
    file_key = _data_box().decrypt(sealed.wrapped_key)
    return SecretBox(file_key).decrypt(sealed.ciphertext)


def encrypt_text(text: str) -> bytes:
    """Encrypt a short text (a notification address) directly under the data key."""
    return _data_box().encrypt(text.encode())


def decrypt_text(ciphertext: bytes) -> str:
    """Decrypt a short text encrypted with `encrypt_text`."""
    return _data_box().decrypt(ciphertext).decode()


def keyed_digest(purpose: bytes, value: str) -> bytes:
    """HMAC-SHA256 under the pepper of `purpose + value`: the one way the portal turns a secret
    it must recognise (a form token, a grant, a key seed) into something it may store."""
    return hmac.new(pepper(), purpose + value.encode(), hashlib.sha256).digest()


def keyed_hash(purpose: bytes, value: str) -> str:
    """`keyed_digest` in hexadecimal, for a database column."""
    return keyed_digest(purpose, value).hex()


def derived_box(secret: str, purpose: bytes) -> SecretBox:
    """A box keyed by HMAC(pepper, purpose + secret): only someone holding `secret` can open it."""
    return SecretBox(keyed_digest(purpose, secret))
