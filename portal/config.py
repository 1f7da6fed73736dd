"""Configuration: every environment variable the portal reads is read here and nowhere else."""
from __future__ import annotations

import os
from pathlib import Path

from portal.config_checks import (
    SMS_ADAPTERS,
    ConfigurationError,
    check_number_pattern,
    check_sms,
    check_sms_templates,
    password_hash_parameters,
    read_secret_file,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LOCALES = ("zh_CN", "en")
def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"PORTAL_{name}")
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw is not None else default
    except ValueError as exc:
        raise ConfigurationError(f"PORTAL_{name} must be a whole number, not {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    return default if raw is None else raw.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver the portal ships with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Settings shared by every environment; values come from PORTAL_* variables."""

    ENV_NAME = "base"
    REQUIRE_SECRETS = True
    PASSWORD_HASH_PROFILE = "standard"  # a key of PASSWORD_HASH_PROFILES

    def __init__(self) -> None:
        self.INSTANCE_PATH = Path(_env("INSTANCE_PATH", str(PROJECT_ROOT / "instance"))).resolve()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            _env("DATABASE_URL", f"sqlite:///{self.INSTANCE_PATH / 'portal.sqlite3'}")
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = self._engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.SECRET_KEY_FILE = self._key_path("SECRET_KEY_FILE", "secret_key")
        self.RECEIPT_PEPPER_FILE = self._key_path("RECEIPT_PEPPER_FILE", "receipt_pepper")
        self.DATA_KEY_FILE = self._key_path("DATA_KEY_FILE", "data_key")
        self.IDENTITY_PUBLIC_KEY_FILE = self._key_path("IDENTITY_PUBLIC_KEY_FILE", "identity_key.pub")
        # The private key is deliberately optional: the public site never needs it.
        self.IDENTITY_PRIVATE_KEY_FILE = self._key_path("IDENTITY_PRIVATE_KEY_FILE", "identity_key")
        # Signs the audit log's heads (`flask audit checkpoint`): only on the signing host, never a
        # database or web host; the public key is published on /transparency.
        self.AUDIT_SIGNING_KEY_FILE = self._key_path("AUDIT_SIGNING_KEY_FILE", "audit_signing_key")
        self.AUDIT_SIGNING_PUBLIC_KEY_FILE = self._key_path("AUDIT_SIGNING_PUBLIC_KEY_FILE", "audit_signing_key.pub")
        # How often each process reads which key is current (a rotation promotes one in the database).
        self.KEY_REFRESH_SECONDS = _env_int("KEY_REFRESH_SECONDS", 10)
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "portal")
        # When the limit storage (Redis) fails: "allow" counts the same limits in each process and
        # logs a warning; "refuse" answers limited requests 503 until it is back (portal/ratelimits.py).
        self.RATELIMIT_ON_STORAGE_ERROR = _env("RATELIMIT_ON_STORAGE_ERROR", "allow")
        self.RATELIMIT_STRATEGY = "moving-window"
        self.RATELIMIT_HEADERS_ENABLED = True
        # Per client (a keyed hash of the address); moving windows, ";" separates several.
        self.LIMIT_COMPLAINT_SUBMIT = _env("LIMIT_COMPLAINT_SUBMIT", "5 per hour")  # complaints filed
        self.LIMIT_COMPLAINT_POST = _env("LIMIT_COMPLAINT_POST", "30 per hour")  # new forms posted (API: posts)
        self.LIMIT_COMPLAINT_FORM_POST = _env("LIMIT_COMPLAINT_FORM_POST", "30 per hour")  # posts of one form
        self.LIMIT_RECEIPT_LOOKUP = _env("LIMIT_RECEIPT_LOOKUP", "10 per minute;50 per day")
        # A reporter's additions to tracked cases, per client: posts, and megabytes sent (each file
        # is decoded to be cleaned); each case also takes at most 20 additions, 30 files, 100 MB.
        # Receipt recovery (找回查询码): requests per client and per mobile number (its keyed hash),
        # and posts of the SMS code per client (each request also allows 5 tries at its code).
        self.LIMIT_RECOVERY_CLIENT = _env("LIMIT_RECOVERY_CLIENT", "5 per hour;20 per day")
        self.LIMIT_RECOVERY_PHONE = _env("LIMIT_RECOVERY_PHONE", "3 per hour;6 per day")
        self.LIMIT_RECOVERY_CODE = _env("LIMIT_RECOVERY_CODE", "20 per hour")
        self.LIMIT_SUPPLEMENT_POST = _env("LIMIT_SUPPLEMENT_POST", "10 per hour;30 per day")
        self.LIMIT_SUPPLEMENT_MEGABYTES = _env("LIMIT_SUPPLEMENT_MEGABYTES", "60 per hour;150 per day")
        # PDFs of written notices made per client (each takes a moment of the server's time).
        self.LIMIT_NOTICE_PDF = _env("LIMIT_NOTICE_PDF", "20 per minute;200 per day")
        # Visits to the institutions' one-time answer pages (GET and POST), per client.
        self.LIMIT_INSTITUTION_LINK = _env("LIMIT_INSTITUTION_LINK", "30 per hour;100 per day")
        # How long an institution's one-time answer link stays open, in calendar days.
        self.INSTITUTION_LINK_DAYS = _env_int("INSTITUTION_LINK_DAYS", 7)
        self.LIMIT_SIGN_IN_CLIENT = _env("LIMIT_SIGN_IN_CLIENT", "10 per minute;100 per day")
        # Wrong passwords for one account from every browser it was not signed in from before, together
        # (portal/accounts/throttle.py); a browser it was signed in from counts its own failures instead.
        self.LIMIT_SIGN_IN_ACCOUNT = _env("LIMIT_SIGN_IN_ACCOUNT", "5 per 15 minutes")  # failures only
        self.LIMIT_SIGN_IN_DEVICE = _env("LIMIT_SIGN_IN_DEVICE", "5 per 15 minutes;20 per day")
        # Wrong authenticator or recovery codes for one account (from unknown browsers, together): the
        # daily rate is the slower second stage; the owner is told when failures mount up.
        self.LIMIT_SECOND_FACTOR_ACCOUNT = _env("LIMIT_SECOND_FACTOR_ACCOUNT", "5 per 15 minutes;10 per day")
        # Production refuses limits kept in each worker's memory (each would allow the whole limit)
        # unless this says that is meant (one worker, a trial).
        self.RATELIMIT_ALLOW_MEMORY = _env_bool("RATELIMIT_ALLOW_MEMORY", False)
        # Logs go to stderr, one line per record: "text" for people, "json" for a log collector.
        self.LOG_FORMAT = _env("LOG_FORMAT", "text")
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO").upper()  # INFO writes one access line per request
        # A bearer token for /metrics (Prometheus); unset, /metrics answers 404.
        self.METRICS_TOKEN = _env("METRICS_TOKEN")
        # prometheus-client's own variable (read by the library at import too): the folder where several
        # gunicorn workers keep their counts; /metrics then adds every worker's up.
        self.PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
        # The Chinese TrueType font (or .ttc collection) of the notices' PDFs; unset, the first of
        # Debian's fonts-wqy-microhei, fonts-wqy-zenhei, fonts-arphic-uming found (portal/notices/pdf.py).
        self.NOTICE_FONT_FILE = _env("NOTICE_FONT_FILE")
        self.MAIL_SERVER = _env("MAIL_SERVER")
        self.MAIL_PORT = _env_int("MAIL_PORT", 25)
        self.MAIL_USERNAME = _env("MAIL_USERNAME")
        self.MAIL_PASSWORD_FILE = _env("MAIL_PASSWORD_FILE")
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
        self.MAIL_SENDER = _env("MAIL_SENDER", "noreply@localhost")
        # SMS (portal/notifications/sms.py): "tencent" (Tencent Cloud SMS) or "log" (development: logs
        # the template and the case number only; production refuses it unless set explicitly).
        self.SMS_ADAPTER_SET = _env("SMS_ADAPTER") is not None
        self.SMS_ADAPTER = _env("SMS_ADAPTER", "log")
        self.SMS_SECRET_ID = _env("SMS_SECRET_ID")  # the API key pair's SecretId
        self.SMS_SECRET_KEY_FILE = _env("SMS_SECRET_KEY_FILE")  # a file holding its SecretKey
        self.SMS_APP_ID = _env("SMS_APP_ID")  # the SMS application's SdkAppId
        self.SMS_SIGN_NAME = _env("SMS_SIGN_NAME")  # the approved signature (签名)
        # The approved template ids by the portal's names: "news=…,notice=…,code=…,recovered=…".
        self.SMS_TEMPLATES = _env("SMS_TEMPLATES", "")
        self.SMS_REGION = _env("SMS_REGION", "ap-guangzhou")
        self.SMS_ENDPOINT = _env("SMS_ENDPOINT", "https://sms.tencentcloudapi.com")
        # Where the outbox is delivered: "worker" (its own process, `flask outbox work`; production's
        # default), "thread" (inside the web process; development's default, so `make run` alone
        # delivers) or "inline" (right after each commit; the tests' default).
        self.OUTBOX_DELIVERY = _env("OUTBOX_DELIVERY")
        # Links in emails are absolute: the address people reach the portal at. Unset, feeds link to
        # the address each request was made to (a development server on any port), mail to this default.
        self.BASE_URL_SET = _env("BASE_URL") is not None
        self.BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
        self.BABEL_DEFAULT_LOCALE = _env("DEFAULT_LOCALE", "zh_CN")
        self.BABEL_DEFAULT_TIMEZONE = _env("TIMEZONE", "Asia/Shanghai")
        self.BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
        self.MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)
        self.TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
        self.PAGE_SIZE = _env_int("PAGE_SIZE", 20)
        # An unassigned case is shown to the offices above its own after this many working days.
        self.UNASSIGNED_ESCALATION_DAYS = _env_int("UNASSIGNED_ESCALATION_DAYS", 3)
        # Hours a new or reset custodian account waits before it may approve a reveal.
        self.PRIVILEGE_WAITING_HOURS = _env_int("PRIVILEGE_WAITING_HOURS", 72)
        self.STATS_CACHE_SECONDS = _env_int("STATS_CACHE_SECONDS", 300)  # /stats figures kept this long per process
        self.PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 30)  # public list pages kept at most this long
        # Where rendered public list pages are kept for every worker and host (redis://…); unset, each
        # process keeps its own (portal/pagecache.py). A change of the records they show evicts them.
        self.PAGE_CACHE_URL = _env("PAGE_CACHE_URL")
        self.PAGE_CACHE_KEY_PREFIX = _env("PAGE_CACHE_KEY_PREFIX", "portal:pages")
        # The blacklist's notice-and-defence period is a local credit rule (not 行政处罚法 arts. 44–45):
        # its working days and the rule a deployment follows (the period's recorded basis).
        self.BLACKLIST_DEFENCE_DAYS = _env_int("BLACKLIST_DEFENCE_DAYS", 5)
        self.BLACKLIST_DEFENCE_BASIS = _env("BLACKLIST_DEFENCE_BASIS",
                                            "地方社会信用管理规定（列入名单前告知与陈述申辩）")
        # The enforcement track (portal/enforcement/): the pattern of the 立案编号, one sequence per
        # office and year (fields: ENFORCEMENT_NUMBER_FIELDS). Its time limits are rules kept as data
        # (portal/rules: notify_named_reporter, enforcement_decision).
        self.ENFORCEMENT_NUMBER_PATTERN = _env("ENFORCEMENT_NUMBER_PATTERN", "{region_short}教立〔{year}〕{seq}号")
        # Who runs the site: shown in the header and footer (主办单位), as a deployment sets it.
        self.AUTHORITY_NAME_ZH = _env("AUTHORITY_NAME_ZH", "教育行政部门（演示）")
        self.AUTHORITY_NAME_EN = _env("AUTHORITY_NAME_EN", "Education Bureau (demonstration)")
        self.CONTACT_PHONE = _env("CONTACT_PHONE", "12345")
        self.ICP_NUMBER = _env("ICP_NUMBER")  # ICP备案号
        self.PSB_NUMBER = _env("PSB_NUMBER")  # 公网安备案号
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # A smoke test of a production deployment before TLS is in place: cookies work over plain HTTP
        # and every page says this is not for the public. Never leave it on.
        self.PLAIN_HTTP_SMOKE_TEST = _env_bool("PLAIN_HTTP_SMOKE_TEST", False)
        self.SESSION_COOKIE_SECURE = _env_bool(
            "SECURE_COOKIES", self.ENV_NAME == "production" and not self.PLAIN_HTTP_SMOKE_TEST)
        # A form's token is good for 12 hours (a signed-in session's longest life); the secret behind
        # the tokens is replaced at every sign-in and sign-out (portal/accounts/sessions.py).
        self.WTF_CSRF_TIME_LIMIT = 12 * 3600
        self.SEND_FILE_MAX_AGE_DEFAULT = 3600
        if self.OUTBOX_DELIVERY not in (None, "worker", "thread", "inline"):
            raise ConfigurationError("PORTAL_OUTBOX_DELIVERY must be worker, thread or inline")
        if self.SMS_ADAPTER not in SMS_ADAPTERS:
            raise ConfigurationError(f"PORTAL_SMS_ADAPTER must be one of {SMS_ADAPTERS}")
        check_sms_templates(self.SMS_TEMPLATES)
        if self.LOG_FORMAT not in ("text", "json"):
            raise ConfigurationError("PORTAL_LOG_FORMAT must be text or json")
        if self.LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigurationError("PORTAL_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        if self.RATELIMIT_ON_STORAGE_ERROR not in ("allow", "refuse"):
            raise ConfigurationError("PORTAL_RATELIMIT_ON_STORAGE_ERROR must be allow or refuse")
        if not 1 <= self.BLACKLIST_DEFENCE_DAYS <= 60:
            raise ConfigurationError("PORTAL_BLACKLIST_DEFENCE_DAYS must be between 1 and 60 working days")
        check_number_pattern(self.ENFORCEMENT_NUMBER_PATTERN)
        if self.BABEL_DEFAULT_LOCALE not in SUPPORTED_LOCALES:
            raise ConfigurationError(f"PORTAL_DEFAULT_LOCALE must be one of {SUPPORTED_LOCALES}")

    def _key_path(self, name: str, default_file: str) -> Path:
        return Path(_env(name, str(self.INSTANCE_PATH / default_file)))

    @staticmethod
    def _engine_options(url: str) -> dict:
        if url.startswith("sqlite"):
            # A generous busy timeout lets BEGIN IMMEDIATE wait for the writer instead of failing.
            return {"connect_args": {"timeout": 30}}
        return {"pool_pre_ping": True}

    def check(self) -> None:
        """Refuse settings this environment must not run with (production adds its own)."""

    def load_secrets(self) -> None:
        """Read the secret key from its file; refuse to start without it where secrets are required."""
        secret = read_secret_file(self.SECRET_KEY_FILE)
        if secret is None and self.REQUIRE_SECRETS:
            raise ConfigurationError(
                f"No secret key at {self.SECRET_KEY_FILE}. "
                "Run `flask --app portal keys generate` or set PORTAL_SECRET_KEY_FILE."
            )
        self.SECRET_KEY = secret
        for path in (self.RECEIPT_PEPPER_FILE, self.DATA_KEY_FILE, self.IDENTITY_PUBLIC_KEY_FILE):
            if self.REQUIRE_SECRETS and read_secret_file(path) is None:
                raise ConfigurationError(
                    f"Missing key file {path}. If this portal already holds data, restore the key files "
                    "from the key bundle kept with the backups (a new key cannot open the stored data); "
                    "only a new, empty installation runs `flask --app portal keys generate`."
                )


class DevelopmentConfig(Config):
    """`make run` on one machine: SQLite under instance/, keys generated there."""

    ENV_NAME = "development"
    REQUIRE_SECRETS = False


class TestingConfig(Config):
    """The test suite: SQLite in a temporary folder unless PORTAL_TEST_DATABASE_URL names PostgreSQL."""

    ENV_NAME = "testing"
    REQUIRE_SECRETS = False
    TESTING = True
    PASSWORD_HASH_PROFILE = "test-only"  # each staff account would otherwise cost ~0.2 s of hashing

    def __init__(self) -> None:
        super().__init__()
        test_url = _env("TEST_DATABASE_URL")
        if test_url:
            self.SQLALCHEMY_DATABASE_URI = normalise_database_url(test_url)
            self.SQLALCHEMY_ENGINE_OPTIONS = self._engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.TEST_REDIS_URL = _env("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
        self.STATS_CACHE_SECONDS = 0  # every test sees its own rows
        self.PRIVILEGE_WAITING_HOURS = 0  # accounts made by a test act at once; the waiting test sets it
        self.PAGE_CACHE_SECONDS = 0


class ProductionConfig(Config):
    """Several gunicorn workers on several hosts: PostgreSQL, Redis, secrets from files."""

    ENV_NAME = "production"
    REQUIRE_SECRETS = True

    def __init__(self) -> None:
        super().__init__()
        # Database errors then quote the statement but never its values (reporters' words, codes).
        self.SQLALCHEMY_ENGINE_OPTIONS = {**self.SQLALCHEMY_ENGINE_OPTIONS, "hide_parameters": True}

    def check(self) -> None:
        """Refuse rate limits kept per worker unless asked for: with several gunicorn workers each
        would let through the whole limit (10 wrong passwords instead of 5 with two workers).
        Refuse the development SMS adapter unless chosen explicitly, and an SMS provider half set up."""
        if self.RATELIMIT_STORAGE_URI.startswith("memory") and not self.RATELIMIT_ALLOW_MEMORY:
            raise ConfigurationError(
                "PORTAL_RATELIMIT_STORAGE_URI is memory://: each worker would count its own limits. "
                "Point it at Redis (redis://…), or set PORTAL_RATELIMIT_ALLOW_MEMORY=1 if one process "
                "counting for itself is really meant.")
        check_sms(self)



CONFIGS: dict[str, type[Config]] = {
    cls.ENV_NAME: cls for cls in (DevelopmentConfig, TestingConfig, ProductionConfig)
}


def environment_name(default: str = "development") -> str:
    """The environment PORTAL_ENV names, or `default`."""
    return _env("ENV", default)


def load_config(name: str | None = None) -> Config:
    """Build the configuration named by the argument or PORTAL_ENV (default: development)."""
    name = name or environment_name()
    try:
        config = CONFIGS[name]()
    except KeyError as exc:
        raise ConfigurationError(f"PORTAL_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from exc
    config.load_secrets()
    config.check()
    # Refuse a cheap password hash at start rather than at the first sign-in.
    password_hash_parameters({"ENV_NAME": config.ENV_NAME, "PASSWORD_HASH_PROFILE": config.PASSWORD_HASH_PROFILE})
    return config
