"""The portal's secrets: session key, receipt pepper, data key and the identity key pair."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from nacl.encoding import HexEncoder
from nacl.public import PrivateKey


@dataclass(frozen=True)
class KeyFile:
    path: Path
    created: bool


def _private_folder(folder: Path) -> None:
    """The folder of keys (and, under make run, the SQLite database) is for the owner only."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)


def write_key_file(path: Path, content: bytes) -> None:
    """Write one key to a new file in an owner-only folder, readable by its owner only."""
    _private_folder(path.parent)
    # Create with owner-only permissions from the start; never widen an existing file.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content + b"\n")


def _ensure(path: Path, make: callable) -> KeyFile:
    if path.exists() and path.read_bytes().strip():
        return KeyFile(path, created=False)
    if path.exists():
        path.unlink()  # an empty file is a failed earlier attempt
    write_key_file(path, make())
    return KeyFile(path, created=True)


def generate(secret_key: Path, pepper: Path, data_key: Path,
             identity_public: Path, identity_private: Path) -> list[KeyFile]:
    """Create every missing key file; existing keys are never replaced (data depends on them)."""
    results = [
        _ensure(secret_key, lambda: secrets.token_hex(32).encode()),
        _ensure(pepper, lambda: secrets.token_hex(32).encode()),
        _ensure(data_key, lambda: secrets.token_hex(32).encode()),
    ]
    if identity_public.exists() and identity_public.read_bytes().strip():
        return results + [KeyFile(identity_public, False)]
    private = PrivateKey.generate()
    results.append(_ensure(identity_private, lambda: private.encode(HexEncoder)))
    results.append(_ensure(identity_public, lambda: private.public_key.encode(HexEncoder)))
    return results
