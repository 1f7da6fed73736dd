"""Extensions of a case's time limit (延期, 信访工作条例 art. 34): a handler asks with the reason; the
head of the office (本机关负责人) — someone else, holding that permission in the jurisdiction —
approves or refuses; until then the deadline stands, and once approved the reporter reads the reason."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the extension pages, add the extension panel to the staff case page and the menu entry;
    give the recount of a case's deadline the days its extension added."""
    from portal import navigation
    from portal.casework import panels
    from portal.casework import recompute as case_recompute
    from portal.deadline_extensions import service
    from portal.deadline_extensions.views import bp
    from portal.i18n import _l
    from portal.navigation import Link

    app.register_blueprint(bp)
    case_recompute.count_extensions_with(app, service.approved_days)
    panels.register(app, panels.Panel("extension", "h-extension", "deadline_extensions/case_panel.html",
                                      service.panel, 5))
    navigation.add(app, navigation.STAFF, Link("deadline_extensions.queue", _l("Extensions"), 15,
                                               roles=("admin", "handler", "reviewer"),
                                               related=("deadline_extensions.page",)))
