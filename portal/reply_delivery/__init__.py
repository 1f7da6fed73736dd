"""Delivery of the written reply (送达): the day the latest reply reaches the reporter, from which
the time to ask for a review runs (信访工作条例 art. 35, 自收到书面答复之日起) — the first time the
reporter reads it on the tracking page, or a delivery by post or in person that staff record."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the delivery page and add the case page's panel (above the actions)."""
    from portal import case_panels as panels
    from portal.reply_delivery import service
    from portal.reply_delivery.staff_views import bp

    app.register_blueprint(bp)
    panels.register(app, panels.Panel("reply_delivery", "h-reply-delivery", "reply_delivery/case_panel.html",
                                      service.panel, -4))
