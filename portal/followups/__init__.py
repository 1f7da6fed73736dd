"""Follow-up calls (回访) to reporters who came by phone, letter, visit or the 12345 hotline: after
a written reply the inbox lists the cases due a call (the rule `follow_up`), staff record it (reached
or not, the rating, comments), and an unsatisfied call sends the case back for handling where the
province's rule `follow_up_reopens` says so (a workflow step, audited, on the timeline)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the pages; add the inbox's notice of calls due and the menu entry."""
    from portal import navigation
    from portal.followups.views import bp, inbox_notice
    from portal.i18n import _l
    from portal.navigation import Link

    app.register_blueprint(bp)
    app.add_template_global(inbox_notice, "followups_inbox_notice")
    navigation.add(app, navigation.STAFF, Link("followups.index", _l("Follow-up calls"), 15,
                                               roles=("admin", "handler"), related=("followups.record",)))
