"""GB/T 2260 administrative divisions: provinces, prefectures and counties."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the place look-up; add the load command and load the table for the demo."""
    from portal import demo
    from portal.regions import service
    from portal.regions.cli import regions_cli
    from portal.regions.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(regions_cli)
    demo.register(app, "regions", "regions", service.load_report)
