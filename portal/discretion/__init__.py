"""The discretion benchmark (裁量基准) and the enforcement matters catalogue built from it.

Its staff pages are here (`discretion_staff.*`); the public catalogue is the penalty disclosures'
(`disclosures.matters`), and the disclosures' menu entry leads to the staff pages: drafting a
disclosure checks the penalty against it, so they are read and kept side by side."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff pages and the load command; add the demo benchmark lines."""
    from portal import demo
    from portal.discretion import demo as discretion_demo
    from portal.discretion.cli import discretion_cli
    from portal.discretion.staff_views import bp

    app.register_blueprint(bp)
    app.cli.add_command(discretion_cli)

    demo.register(app, "discretion", "the discretion benchmark of 教育部令第53号", discretion_demo.seed_rules)
