"""Rules as data: time limits, reward scales, publication period bounds and the prepaid-fee advice,
with national defaults, province overrides, their history and audit (`/staff/rules`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the rules page; add the command and the menu entry."""
    from portal import demo, navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.rules.cli import rules_cli
    from portal.rules.staff_views import bp

    app.register_blueprint(bp)
    app.cli.add_command(rules_cli)
    demo.register(app, "rules", "national rules", _seed_report, after=("regions",))
    navigation.add(app, navigation.STAFF, Link("rules.index", _l("Rules"), 61, roles=("admin", "handler", "reviewer"),
                                               related=("rules.edit",)))


def _seed_report() -> str:
    from portal.rules import service

    return f"{len(service.seed())} national defaults written"
