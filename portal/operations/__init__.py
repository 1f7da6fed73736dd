"""Operations: readiness (`/readyz`), metrics (`/metrics`), the keys commands and the checks that
the configured keys open the stored data. It reads every feature's tables, so it sits on the top
floor."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount /readyz and /metrics, count requests, add the `keys`, `backup` and `restore` commands."""
    from portal.operations import metrics
    from portal.operations.commands import backup_command, keys_cli, restore_command
    from portal.operations.views import bp

    app.register_blueprint(bp)
    metrics.init_app(app)
    for command in (keys_cli, backup_command, restore_command):
        app.cli.add_command(command)
