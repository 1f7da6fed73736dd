"""Extensions of a case's time limit (延期, 信访工作条例 art. 34): a handler asks with the reason; the
head of the office (本机关负责人) — someone else, holding that permission in the jurisdiction —
approves or refuses; until then the deadline stands, and once approved the reporter reads the reason."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the extension pages, add the extension panel to the staff case page and the menu entry;
    recount open cases' deadlines (with their extensions' days) when a year's holidays are entered."""
    from portal import case_panels as panels
    from portal import navigation
    from portal.deadline_extensions import recompute, service
    from portal.deadline_extensions.views import bp
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.workdays import recompute as workdays_recompute

    app.register_blueprint(bp)
    workdays_recompute.register(app, workdays_recompute.Recount(
        recompute.KIND, _l("Case"), recompute.FIELDS, recompute.recompute))
    panels.register(app, panels.Panel("extension", "h-extension", "deadline_extensions/case_panel.html",
                                      service.panel, 5))
    navigation.add(app, navigation.STAFF, Link("deadline_extensions.queue", _l("Extensions"), 15,
                                               roles=("admin", "handler", "reviewer"),
                                               related=("deadline_extensions.page",)))
