"""Building a test application around a given database and key folder."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal import create_app
from portal.config import TestingConfig
from portal.security import keys


def make_app(instance: Path, database_url: str | None = None, **overrides) -> Flask:
    """A testing app whose keys live in `instance` and whose database is `database_url`."""
    instance.mkdir(parents=True, exist_ok=True)
    config = TestingConfig()
    config.INSTANCE_PATH = instance
    config.SECRET_KEY_FILE = instance / "secret_key"
    config.RECEIPT_PEPPER_FILE = instance / "receipt_pepper"
    config.DATA_KEY_FILE = instance / "data_key"
    config.IDENTITY_PUBLIC_KEY_FILE = instance / "identity_key.pub"
    config.IDENTITY_PRIVATE_KEY_FILE = instance / "identity_key"
    config.AUDIT_SIGNING_KEY_FILE = instance / "audit_signing_key"  # made by the tests that sign
    config.AUDIT_SIGNING_PUBLIC_KEY_FILE = instance / "audit_signing_key.pub"
    keys.generate(config.SECRET_KEY_FILE, config.RECEIPT_PEPPER_FILE, config.DATA_KEY_FILE,
                  config.IDENTITY_PUBLIC_KEY_FILE, config.IDENTITY_PRIVATE_KEY_FILE)
    if database_url:
        config.SQLALCHEMY_DATABASE_URI = database_url
        config.SQLALCHEMY_ENGINE_OPTIONS = config._engine_options(database_url)
    config.load_secrets()
    return create_app(config, overrides)
