"""Recusal (回避, 信访工作条例 art. 28; 行政处罚法 art. 43): staff with a direct interest in a case, a
disclosure, a blacklist entry or an identity request declare it (or a colleague records it and a
second person confirms); from then on they cannot act on it. Declarations are audited and shown to
the office. The features owning the records register them (`service.add_kind`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the declaration pages, register cases, add the case page's panel, the engine's veto,
    the record pages' panel (a template global) and the menu entry."""
    from flask_login import current_user

    from portal import case_panels as panels
    from portal import navigation, workflow
    from portal.casework import queries
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.recusal import service
    from portal.recusal.views import bp

    app.register_blueprint(bp)
    workflow.add_veto(app, service.bars)
    service.add_kind(app, service.Kind("complaint", _l("Case"), queries.case_for_staff,
                                       lambda c: c.region_code, lambda c: c.case_number, "casework.case",
                                       "complaint_id", declared=service.unassign))
    # Drawn above the actions: an officer who stepped aside reads why nothing is offered.
    panels.register(app, panels.Panel("recusal", "h-recusal", "recusal/case_panel.html", service.panel, -5))
    app.add_template_global(lambda object_type, record: service.record_panel(
        object_type, record, current_user._get_current_object()), "recusal_panel")
    navigation.add(app, navigation.STAFF, Link("recusal.index", _l("Recusals"), 80,
                                               roles=("admin", "handler", "reviewer", "custodian"),
                                               related=("recusal.declare", "recusal.record")))

