"""The checks of single settings' values, and the error that refuses a configuration: the
password hash profiles, secret files, the 立案编号 pattern, the SMS adapter and its templates.
`config.py` reads the environment and calls these; nothing here reads it."""
from __future__ import annotations

import string
from pathlib import Path

# What a 立案编号 pattern may name (portal/enforcement/numbering.py fills them in).
ENFORCEMENT_NUMBER_FIELDS = frozenset({"region_short", "region_name", "region_code", "year", "seq"})
# argon2id parameters by profile. "standard" is OWASP's minimum (19 MiB, 2 iterations, 1 lane) and
# what every real deployment uses; "test-only" makes a hash take microseconds so the test suite can
# create accounts freely. Only the testing configuration may choose it.
PASSWORD_HASH_PROFILES = {
    "standard": {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},
    "test-only": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}


class ConfigurationError(RuntimeError):
    """The environment does not describe a portal that can start safely."""


def password_hash_parameters(settings: dict) -> dict:
    """The argon2id parameters `settings` choose; refuse an unknown profile, or the cheap one outside tests."""
    profile = settings.get("PASSWORD_HASH_PROFILE", "standard")
    if profile not in PASSWORD_HASH_PROFILES:
        raise ConfigurationError(f"PASSWORD_HASH_PROFILE must be one of {sorted(PASSWORD_HASH_PROFILES)}")
    if profile != "standard" and settings.get("ENV_NAME") != "testing":
        raise ConfigurationError(f"The {profile!r} password hash is for the test suite only")
    return PASSWORD_HASH_PROFILES[profile]


def read_secret_file(path: Path) -> bytes | None:
    """Return a secret file's bytes without trailing whitespace, or None when absent or empty."""
    try:
        data = path.read_bytes().strip()
    except FileNotFoundError:
        return None
    return data or None


def check_number_pattern(pattern: str) -> None:
    """Refuse a 立案编号 pattern that names an unknown field, lacks the sequence, or does not parse."""
    try:
        named = {name.split(".")[0].split("[")[0] for _text, name, _spec, _conv in string.Formatter().parse(pattern)
                 if name is not None}
    except ValueError as exc:
        raise ConfigurationError(f"PORTAL_ENFORCEMENT_NUMBER_PATTERN does not parse: {exc}") from exc
    if "seq" not in named or not named <= ENFORCEMENT_NUMBER_FIELDS or len(pattern) > 60:
        raise ConfigurationError("PORTAL_ENFORCEMENT_NUMBER_PATTERN must contain {seq}, may name only "
                                 f"{sorted(ENFORCEMENT_NUMBER_FIELDS)} and be at most 60 characters")
    try:  # a format specification that does not fit its field ({year:q}) fails here, not at the first 立案
        pattern.format(region_short="西湖", region_name="西湖区", region_code="330106", year=2026, seq=1)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
        raise ConfigurationError(f"PORTAL_ENFORCEMENT_NUMBER_PATTERN cannot be filled in: {exc}") from exc


SMS_ADAPTERS = ("tencent", "log")
# The names of portal/notifications/sms.py's TEMPLATES (the configuration is below every feature, so it
# names them itself; tests/notifications/test_sms.py checks the two lists agree).
SMS_TEMPLATE_NAMES = ("news", "notice", "code", "recovered", "institution_link")


def check_sms_templates(text: str) -> dict[str, str]:
    """PORTAL_SMS_TEMPLATES as name -> approved template id; refuse unknown names or empty ids."""
    found = {}
    for part in filter(str.strip, text.split(",")):
        name, _sep, template_id = (piece.strip() for piece in part.partition("="))
        if name not in SMS_TEMPLATE_NAMES or not template_id:
            raise ConfigurationError(f"PORTAL_SMS_TEMPLATES names each of {SMS_TEMPLATE_NAMES} as name=id, "
                                     f"not {part.strip()!r}")
        found[name] = template_id
    return found


def check_sms(config) -> None:
    """Refuse production without a chosen SMS adapter, or with the Tencent one half set up."""
    if not config.SMS_ADAPTER_SET:
        raise ConfigurationError(
            "PORTAL_SMS_ADAPTER is not set: reporters would get no text messages. Set it to tencent (with "
            "PORTAL_SMS_SECRET_ID, PORTAL_SMS_SECRET_KEY_FILE, PORTAL_SMS_APP_ID, PORTAL_SMS_SIGN_NAME and "
            "PORTAL_SMS_TEMPLATES), or to log if a deployment without SMS is really meant.")
    if config.SMS_ADAPTER == "tencent":
        missing = [f"PORTAL_{name}" for name in ("SMS_SECRET_ID", "SMS_SECRET_KEY_FILE", "SMS_APP_ID",
                                                 "SMS_SIGN_NAME") if not getattr(config, name)]
        templates = check_sms_templates(config.SMS_TEMPLATES)
        missing += [f"PORTAL_SMS_TEMPLATES {name}=" for name in SMS_TEMPLATE_NAMES if name not in templates]
        if config.SMS_SECRET_KEY_FILE and read_secret_file(Path(config.SMS_SECRET_KEY_FILE)) is None:
            missing.append(f"the SecretKey in {config.SMS_SECRET_KEY_FILE}")
        if missing:
            raise ConfigurationError("PORTAL_SMS_ADAPTER is tencent but these are missing: " + ", ".join(missing))
