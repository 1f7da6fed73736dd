"""Work orders from the city's 12345 hotline: a signed partner API that files each order as a case,
takes the hotline's reminders (催办), and tells the hotline every change of state, the written reply
and the follow-up result through signed callbacks delivered by the outbox."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the partner API; add the outbox channel, the workflow and follow-up listeners, the case page's panel,
    the inbox's marks and the `flask hotline` commands."""
    from portal import case_panels as panels
    from portal import workflow
    from portal.casework import service as casework
    from portal.followups import service as followups
    from portal.hotline import callbacks, queries
    from portal.hotline.api_views import bp
    from portal.hotline.cli import hotline_cli
    from portal.notifications import outbox

    app.register_blueprint(bp)
    app.cli.add_command(hotline_cli)
    outbox.add_channel(callbacks.CHANNEL, callbacks.deliver)
    workflow.add_listener(app, callbacks.on_step)
    followups.add_recorded_listener(callbacks.notify_followup)
    casework.add_review_listener(callbacks.on_review)
    panels.register(app, panels.Panel("hotline", "h-hotline", "hotline/case_panel.html", queries.panel, -5))
    app.add_template_global(queries.marks, "hotline_marks")
