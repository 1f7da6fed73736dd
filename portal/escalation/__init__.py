"""Escalation (无人办理): cases that reach an office with no handler, or stay unassigned too long,
told to and listed for the offices above."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the list of cases nobody is handling, and offer the staff inbox and case page their
    notices: their templates call `escalation_notice()` and `escalation_case_notice(complaint)`
    (casework does not import this package)."""
    from portal.escalation.views import bp, case_notice, inbox_notice

    app.register_blueprint(bp)
    app.add_template_global(inbox_notice, "escalation_notice")
    app.add_template_global(case_notice, "escalation_case_notice")
