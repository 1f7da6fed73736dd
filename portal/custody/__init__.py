"""Identity custody: a named reporter's sealed identity is opened only with a custodian's approval."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the custodian's pages; add the identity panel to the case page and the menu entry."""
    from portal import case_panels as panels
    from portal import navigation
    from portal.custody import service
    from portal.custody.views import bp
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.recusal import service as recusal

    app.register_blueprint(bp)
    recusal.add_kind(app, recusal.Kind("identity_request", _l("Identity request"), service.for_custodian,
                                       lambda r: r.complaint.region_code,
                                       lambda r: f"{r.complaint.case_number}/{r.id}", "custody.decide", "request_id"))
    panels.register(app, panels.Panel("identity", "h-identity", "custody/case_panel.html", service.panel, 10))
    navigation.add(app, navigation.STAFF, Link("custody.queue", _l("Identity requests"), 30, roles=("custodian",),
                                               related=("custody.decide",), lands=("custodian",)))
