"""Rewards for reports of major violations: the decision on a concluded case and the reporter's claim."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the reward pages, add the reward panel to the case page, and recount open claims'
    deadlines when a year's holidays are entered."""
    from portal import case_panels as panels
    from portal.i18n import _l
    from portal.rewards import recompute, summary
    from portal.rewards.views import bp
    from portal.workdays import recompute as workdays_recompute

    app.register_blueprint(bp)
    panels.register(app, panels.Panel("reward", "h-reward", "rewards/case_panel.html", summary.panel, 20))
    workdays_recompute.register(app, workdays_recompute.Recount(
        recompute.KIND, _l("Reward"), recompute.FIELDS, recompute.recompute))
