"""Rewards for reports of major violations: the decision on a concluded case and the reporter's claim."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the reward pages and add the reward panel to the case page."""
    from portal.casework import panels
    from portal.rewards import summary
    from portal.rewards.views import bp

    app.register_blueprint(bp)
    panels.register(app, panels.Panel("reward", "h-reward", "rewards/case_panel.html", summary.panel, 20))
