"""Recusal (回避, 信访工作条例 art. 28; 行政处罚法 art. 43): staff with a direct interest in a case
declare it; from then on the workflow engine refuses them every step on it. Declarations are
audited and shown to the office."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the declaration pages, add the case page's panel, the engine's veto and the menu entry."""
    from portal import navigation, workflow
    from portal.casework import panels
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.recusal import service
    from portal.recusal.views import bp

    app.register_blueprint(bp)
    workflow.add_veto(app, service.bars)
    # Drawn above the actions: an officer who stepped aside reads why nothing is offered.
    panels.register(app, panels.Panel("recusal", "h-recusal", "recusal/case_panel.html", service.panel, -5))
    navigation.add(app, navigation.STAFF, Link("recusal.index", _l("Recusals"), 80,
                                               roles=("admin", "handler", "reviewer", "custodian")))
