"""Configuration: environment variables, secrets, and production's refusal to start without them."""
import pytest

from portal import create_app
from portal.config import ConfigurationError, load_config, normalise_database_url, password_hash_parameters


def test_production_refuses_to_start_without_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="secret key"):
        create_app("production")


def test_production_starts_with_generated_keys(tmp_path, monkeypatch):
    from portal.security import keys

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    keys.generate(tmp_path / "secret_key", tmp_path / "receipt_pepper", tmp_path / "data_key",
                  tmp_path / "identity_key.pub", tmp_path / "identity_key")
    (tmp_path / "identity_key").unlink()  # the public site never needs the private key
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PORTAL_SMS_ADAPTER", "log")
    app = create_app("production")
    assert app.config["SECRET_KEY"]
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_limits_counted_in_each_worker_unless_told(tmp_path, monkeypatch):
    """With two workers, memory:// limits let 10 wrong passwords through instead of 5."""
    from portal.security import keys

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    keys.generate(tmp_path / "secret_key", tmp_path / "receipt_pepper", tmp_path / "data_key",
                  tmp_path / "identity_key.pub", tmp_path / "identity_key")
    monkeypatch.delenv("PORTAL_RATELIMIT_STORAGE_URI", raising=False)  # memory:// by default
    with pytest.raises(ConfigurationError, match="PORTAL_RATELIMIT_ALLOW_MEMORY"):
        create_app("production")
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(ConfigurationError, match="each worker"):
        load_config("production")
    monkeypatch.setenv("PORTAL_RATELIMIT_ALLOW_MEMORY", "1")  # said explicitly: one process, a trial
    monkeypatch.setenv("PORTAL_SMS_ADAPTER", "log")
    assert load_config("production").RATELIMIT_STORAGE_URI == "memory://"
    monkeypatch.delenv("PORTAL_RATELIMIT_ALLOW_MEMORY")
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://cache:6379/1")
    assert load_config("production").RATELIMIT_STORAGE_URI == "redis://cache:6379/1"
    assert load_config("development").RATELIMIT_STORAGE_URI == "redis://cache:6379/1"


def test_every_setting_comes_from_portal_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql://u@db.example/portal")
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://cache:6379/1")
    monkeypatch.setenv("PORTAL_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("PORTAL_MAIL_SERVER", "smtp.example")
    monkeypatch.setenv("PORTAL_IDENTITY_PRIVATE_KEY_FILE", "/secrets/identity")
    config = load_config("development")
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db.example/portal"
    assert config.RATELIMIT_STORAGE_URI == "redis://cache:6379/1"
    assert config.BABEL_DEFAULT_LOCALE == "en"
    assert config.MAIL_SERVER == "smtp.example"
    assert str(config.IDENTITY_PRIVATE_KEY_FILE) == "/secrets/identity"


def test_unknown_environment_and_locale_are_refused(monkeypatch):
    with pytest.raises(ConfigurationError):
        load_config("staging")
    monkeypatch.setenv("PORTAL_DEFAULT_LOCALE", "fr")
    with pytest.raises(ConfigurationError):
        load_config("development")


def test_plain_postgresql_urls_use_psycopg3():
    assert normalise_database_url("postgres://x/y") == "postgresql+psycopg://x/y"
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"


def _production_app(tmp_path, monkeypatch, **overrides):
    from portal.security import keys

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    keys.generate(tmp_path / "secret_key", tmp_path / "receipt_pepper", tmp_path / "data_key",
                  tmp_path / "identity_key.pub", tmp_path / "identity_key")
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PORTAL_SMS_ADAPTER", "log")
    return create_app("production", overrides)


def test_production_refuses_the_cheap_test_password_hash(tmp_path, monkeypatch):
    from portal.accounts import passwords
    from portal.config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "PASSWORD_HASH_PROFILE", "test-only")
    with pytest.raises(ConfigurationError, match="test suite only"):
        _production_app(tmp_path, monkeypatch)
    monkeypatch.undo()
    app = _production_app(tmp_path, monkeypatch, PASSWORD_HASH_PROFILE="test-only")  # slipped in afterwards
    with app.app_context(), pytest.raises(ConfigurationError, match="test suite only"):
        passwords.hash_password("运河 lantern-harbour 61")
    with pytest.raises(ConfigurationError, match="test suite only"):
        password_hash_parameters({"ENV_NAME": "development", "PASSWORD_HASH_PROFILE": "test-only"})
    with pytest.raises(ConfigurationError, match="must be one of"):
        password_hash_parameters({"ENV_NAME": "testing", "PASSWORD_HASH_PROFILE": "none"})


@pytest.mark.parametrize("environment", ["development", "production"])
def test_real_deployments_keep_owasps_argon2id_parameters(tmp_path, monkeypatch, environment):
    from portal.accounts import passwords

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = _production_app(tmp_path, monkeypatch) if environment == "production" else create_app(environment)
    assert app.config["PASSWORD_HASH_PROFILE"] == "standard"
    with app.app_context():
        stored = passwords.hash_password("运河 lantern-harbour 61")
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert passwords.verify_password(stored, "运河 lantern-harbour 61")
        assert not passwords.needs_rehash(stored)


def test_the_test_suite_hashes_cheaply_and_rehashes_to_the_standard(app):
    from portal.accounts import passwords

    with app.app_context():
        stored = passwords.hash_password("运河 lantern-harbour 61")
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert passwords.needs_rehash(stored)  # outside the test app: a real deployment upgrades it at sign-in


def test_local_time_limits_are_settings_within_the_law(monkeypatch):
    # The publication limit is a rule kept as data now (`portal.rules`), not a setting.
    assert not hasattr(load_config("development"), "DISCLOSURE_PUBLICATION_DAYS")
    assert load_config("development").BLACKLIST_DEFENCE_DAYS == 5
    monkeypatch.setenv("PORTAL_BLACKLIST_DEFENCE_DAYS", "0")
    with pytest.raises(ConfigurationError, match="BLACKLIST_DEFENCE_DAYS"):
        load_config("development")


def test_the_enforcement_number_pattern_is_a_setting_checked_at_start(monkeypatch):
    config = load_config("development")
    assert config.ENFORCEMENT_NUMBER_PATTERN == "{region_short}教立〔{year}〕{seq}号"
    monkeypatch.setenv("PORTAL_ENFORCEMENT_NUMBER_PATTERN", "{year}教立{name}")
    with pytest.raises(ConfigurationError, match="ENFORCEMENT_NUMBER_PATTERN"):
        load_config("development")
