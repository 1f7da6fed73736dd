"""The enforcement track (举报 → 立案 / 不予立案 → penalty decision): a report of a violation, the
decision on opening a case with its number, the named reporter told within 5 working days, the
90-day decision clock, and the published penalty decision it ended in."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the enforcement pages; add the case page's panel, the inbox's marks (a template global
    casework's inbox calls), the daily reminders and the menu entry."""
    from portal import case_panels as panels
    from portal import navigation
    from portal.enforcement import queries, reminders
    from portal.enforcement.staff_views import bp
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.reminders import sources

    app.register_blueprint(bp)
    panels.register(app, panels.Panel("enforcement", "h-enforcement", "enforcement/case_panel.html",
                                      queries.panel, 7))
    app.add_template_global(queries.marks, "enforcement_marks")
    sources.register(app, sources.Source("enforcement", reminders.send_reminders))
    navigation.add(app, navigation.STAFF, Link("enforcement.index", _l("Enforcement"), 17,
                                               roles=("admin", "handler", "reviewer"),
                                               related=("enforcement.page",)))
