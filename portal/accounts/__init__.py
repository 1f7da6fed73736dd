"""Staff and supervisor accounts: passwords, TOTP, roles and jurisdiction."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount sign-in and the own-account page; add the account commands and demo accounts."""
    from portal import demo
    from portal.accounts import cli
    from portal.accounts import demo as accounts_demo
    from portal.accounts.staff_views import bp as staff_bp
    from portal.accounts.views import bp as accounts_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(staff_bp)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
    demo.register(app, "accounts", "demo accounts", accounts_demo.seed, after=("regions",))
