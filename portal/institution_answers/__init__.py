"""Institutions answer a dispute online without an account: staff send the institution's registered
contact a one-time link (text message or email, through the outbox) that opens the dispute's facts
without the parent's identity, where the institution states its position, proposes a refund and
sends documents. Staff read the answers on the case page; the parent reads the position and the
proposal on the tracking page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the answer page and the staff pages; add the case page's panel and the tracking page's section."""
    from portal import case_panels as panels
    from portal.institution_answers import reporter, service
    from portal.institution_answers.staff_views import bp as staff_bp
    from portal.institution_answers.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    panels.register(app, panels.Panel("institution_answers", "h-institution-answers",
                                      "institution_answers/case_panel.html", service.panel, 2))
    app.add_template_global(reporter.section, "institution_answers_for_reporter")
