"""The off-campus training supervision portal. `create_app` wires the parts together."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import PROJECT_ROOT, Config, load_config
from portal.security.uploads import InMemoryUploadsRequest

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_app(config: Config | str | None = None, overrides: dict[str, Any] | None = None, *,
               serving: bool = False) -> Flask:
    """Build the application: configuration, extensions, features, error pages, commands.
    `serving`: the app a web worker serves (`wsgi.py`), which runs no `flask db` command, so the
    migrations' tooling (Flask-Migrate with Alembic, Mako and Pygments, 11 MB a worker) is left out."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=None,
    )
    app.json.ensure_ascii = False  # JSON carries Chinese as UTF-8 characters, not \u escapes
    app.request_class = InMemoryUploadsRequest  # uploads are never spooled, unencrypted, to a temp folder
    if not isinstance(config, Config):
        config = load_config(config)
    app.config.from_object(config)
    app.config.update(overrides or {})
    app.instance_path = str(app.config["INSTANCE_PATH"])
    register_request_hooks(app)  # first, so its after-request hook runs last
    register_extensions(app)
    if not serving:
        register_migrations(app)
    register_features(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions and apply per-database connection settings."""
    from portal import i18n, pagecache, ratelimits
    from portal.accounts import sessions
    from portal.db import configure_engine
    from portal.extensions import babel, csrf, db, limiter, login_manager

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    ratelimits.add_hooks(app)
    ratelimits.configure(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(sessions.load)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = None  # sessions end by version and time, not by guessing
    i18n.init_app(app)
    pagecache.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def register_request_hooks(app: Flask) -> None:
    """Security headers on every response; read-only requests open read-only transactions."""
    from portal import logs, transaction
    from portal.db import read_only_transactions
    from portal.security import headers, transport

    logs.init_app(app)  # first: its access line is written after every other hook has run

    @app.before_request
    def mark_read_only() -> None:
        read_only_transactions.set(request.method in SAFE_METHODS)

    @app.teardown_request
    def clear_read_only(_error: BaseException | None) -> None:
        read_only_transactions.set(False)

    headers.init_app(app)
    transport.init_app(app)
    transaction.init_app(app)
    quiet_sensitive_loggers()


def quiet_sensitive_loggers() -> None:
    """Keep libraries from logging what reporters send, whatever the root log level is."""
    # Werkzeug's access log prints query strings; Pillow's debug log prints EXIF values,
    # GPS coordinates included, of every uploaded photo it parses; pypdf's warnings about a
    # damaged PDF quote the bytes around the damage, document text and authors included.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("PIL").setLevel(logging.INFO)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)


def register_features(app: Flask) -> None:
    """Let every feature mount its pages and add its commands, menu entries and demo data."""
    from portal import features

    features.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in both languages, JSON under /api/."""
    from portal.errors import register_errorhandlers as register

    register(app)


def register_migrations(app: Flask) -> None:
    """The `flask --app portal db …` commands (Flask-Migrate over `migrations/`)."""
    from flask_migrate import Migrate

    from portal.extensions import db

    Migrate(compare_type=True, render_as_batch=True).init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))


def register_commands(app: Flask) -> None:
    """Add the `flask --app portal …` commands."""
    from portal.cli import register

    register(app)
