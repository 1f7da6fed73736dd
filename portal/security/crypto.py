"""Encryption at rest: reporters' identities sealed to the identity key, files under the data key,
receipts and other secrets hashed under the pepper.

Keys come from `keyring` (versioned: the current key makes new data, every key of the ring opens
what it made), read from their files and kept in `app.extensions`, never in module globals.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

import nacl.utils
from nacl.encoding import HexEncoder
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from portal.security import keyring
from portal.security.keyring import KeyUnavailable


@dataclass(frozen=True)
class Sealed:
    """A file encrypted with its own key, and that key wrapped by the data key."""

    ciphertext: bytes
    wrapped_key: bytes


def pepper() -> bytes:
    """The current receipt pepper (what new receipts and keyed hashes are made with)."""
    return keyring.current("pepper").material


def pepper_version() -> str:
    """The current pepper's fingerprint, stored beside each receipt it hashes."""
    return keyring.current("pepper").fingerprint


def peppers() -> list[bytes]:
    """Every pepper this host has, the current one first: a receipt or code made before a rotation
    is recognised under the pepper it was made with."""
    current = keyring.current("pepper")
    return [current.material] + [key.material for key in keyring.ring("pepper") if key != current]


def pepper_of(version: str | None) -> bytes:
    """The pepper with this fingerprint (None: made before peppers had versions, so the current one)."""
    return keyring.by_fingerprint("pepper", version).material


def _box(key: keyring.Key) -> SecretBox:
    return SecretBox(key.material, encoder=HexEncoder)


def _seal_data(plaintext: bytes) -> bytes:
    key = keyring.current("data_key")
    return keyring.enclose(key, _box(key).encrypt(plaintext))


def _open_data(blob: bytes) -> bytes:
    """Open what the data key made: with the key its envelope names, or by trying each key."""
    keys = keyring.ring("data_key")
    if not keys:
        raise KeyUnavailable("DATA_KEY_FILE")
    tag = keyring.tag_of(blob)
    for key in keys:
        if tag == key.tag:
            return _box(key).decrypt(blob[keyring.ENVELOPE:])
    for key in keys:  # made before keys had versions
        try:
            return _box(key).decrypt(blob)
        except CryptoError:
            continue
    raise CryptoError("no data key of this host opens it")


def under_current_data_key(blob: bytes) -> bool:
    """Whether the current data key made this (a rotation leaves it alone)."""
    return keyring.tag_of(blob) == keyring.current("data_key").tag


def rewrap(blob: bytes) -> bytes:
    """The same secret under the current data key (a wrapped file key stays the same file key)."""
    return _seal_data(_open_data(blob))


def seal_identity(identity: dict[str, str]) -> bytes:
    """Seal a reporter's identity to the current identity public key; only its private key opens it."""
    key = keyring.current("identity_key")
    body = SealedBox(PublicKey(key.material, encoder=HexEncoder)).encrypt(
        json.dumps(identity, ensure_ascii=False).encode())
    return keyring.enclose(key, body)


def _open_sealed(blob: bytes) -> bytes:
    privates = keyring.private_ring()
    if not privates:
        raise KeyUnavailable("IDENTITY_PRIVATE_KEY_FILE")
    tag = keyring.tag_of(blob)
    for key, material in privates:
        if tag == key.tag:
            return SealedBox(PrivateKey(material, encoder=HexEncoder)).decrypt(blob[keyring.ENVELOPE:])
    for _, material in privates:  # sealed before keys had versions
        try:
            return SealedBox(PrivateKey(material, encoder=HexEncoder)).decrypt(blob)
        except CryptoError:
            continue
    raise CryptoError("no identity private key of this host opens it")


def open_identity(sealed: bytes) -> dict[str, str]:
    """Open a sealed identity; needs the private key file, which most hosts do not have."""
    return json.loads(_open_sealed(sealed))


def under_current_identity_key(blob: bytes) -> bool:
    """Whether this identity is sealed to the current identity public key."""
    return keyring.tag_of(blob) == keyring.current("identity_key").tag


def reseal(blob: bytes) -> bytes:
    """The same sealed identity, sealed again to the current public key (needs the old private key)."""
    key = keyring.current("identity_key")
    return keyring.enclose(key, SealedBox(PublicKey(key.material, encoder=HexEncoder)).encrypt(_open_sealed(blob)))


def encrypt_file(plaintext: bytes) -> Sealed:
    """Encrypt with a fresh per-file key, then wrap that key with the data key."""
    file_key = nacl.utils.random(SecretBox.KEY_SIZE)
    return Sealed(SecretBox(file_key).encrypt(plaintext), _seal_data(file_key))


def decrypt_file(sealed: Sealed) -> bytes:
    """Unwrap the file's key with the data key and decrypt the file."""
    return SecretBox(_open_data(sealed.wrapped_key)).decrypt(sealed.ciphertext)


def encrypt_text(text: str) -> bytes:
    """Encrypt a short text (a notification address) directly under the data key."""
    return _seal_data(text.encode())


def decrypt_text(ciphertext: bytes) -> str:
    """Decrypt a short text encrypted with `encrypt_text`."""
    return _open_data(ciphertext).decode()


def keyed_digest(purpose: bytes, value: str, version: str | None = None) -> bytes:
    """HMAC-SHA256 under the pepper of `purpose + value`: the one way the portal turns a secret
    it must recognise (a form token, a grant, a key seed) into something it may store. Made with
    the current pepper, or the one with the fingerprint `version`."""
    key = pepper() if version is None else pepper_of(version)
    return hmac.new(key, purpose + value.encode(), hashlib.sha256).digest()


def keyed_hash(purpose: bytes, value: str) -> str:
    """`keyed_digest` in hexadecimal, for a database column."""
    return keyed_digest(purpose, value).hex()


def keyed_hashes(purpose: bytes, value: str) -> list[str]:
    """`keyed_hash` under every pepper, the current one first: what to look a stored hash up by."""
    return [hmac.new(key, purpose + value.encode(), hashlib.sha256).hexdigest() for key in peppers()]


def derived_box(secret: str, purpose: bytes) -> SecretBox:
    """A box keyed by HMAC(pepper, purpose + secret): only someone holding `secret` can open it."""
    return SecretBox(keyed_digest(purpose, secret))


def derived_boxes(secret: str, purpose: bytes) -> list[SecretBox]:
    """`derived_box` under every pepper, the current one first (to open one made before a rotation)."""
    return [SecretBox(hmac.new(key, purpose + secret.encode(), hashlib.sha256).digest()) for key in peppers()]


def matching_digest(purpose: bytes, value: str) -> bytes:
    """HMAC under the first pepper this installation had, which a rotation keeps: for hashes that
    match records to each other across the years (a reporter's phone, a pseudonym), where a new
    pepper would split one reporter into two."""
    return hmac.new(matching_key(), purpose + value.encode(), hashlib.sha256).digest()


def matching_key() -> bytes:
    """The installation's first pepper, which `matching_digest` keys with (for many digests at once)."""
    first = keyring.ring("pepper")
    if not first:
        raise KeyUnavailable("RECEIPT_PEPPER_FILE")
    return first[0].material


def data_key_opens(blob: bytes) -> bool:
    """Whether this host's data keys open what the data key made (a check; the content is dropped)."""
    try:
        _open_data(blob)
    except CryptoError:
        return False
    return True


def identity_key_opens(blob: bytes) -> bool:
    """Whether this host's identity private keys open a sealed identity (a check; the content is dropped)."""
    try:
        _open_sealed(blob)
    except CryptoError:
        return False
    return True
