"""Written notices (文书): the documents an office issues at a case's steps (受理告知书, 不予受理告知书,
转办告知书, 延期告知书, 答复意见书, 复查意见书, 复核意见书), numbered, stored as issued, shown and printable,
downloadable as PDF; the reply's preview and an office's second sign-off."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Issue notices at the steps that call for them (a workflow listener); mount the pages; take
    casework's reply steps to the preview; add the case page's panels, the tracking page's list, the
    settings link."""
    from portal import case_panels as panels
    from portal import navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.notices import kinds, queries, service
    from portal.notices.forms import NoticeReplyForm
    from portal.notices.staff_views import bp as staff_bp
    from portal.notices.views import bp, listed
    from portal.workflow import add_listener

    for kind in kinds.BUILT_IN:
        kinds.register(app, kind)
    add_listener(app, service.on_step)
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    for step in kinds.REPLY_STEPS:
        panels.add_step_form(app, step, NoticeReplyForm)
        panels.add_step_page(app, step, "notices_staff.preview", reply_step=step)
    panels.register(app, panels.Panel("reply_draft", "h-reply-draft", "notices/draft_panel.html",
                                      queries.draft_panel, -5))
    panels.register(app, panels.Panel("notices", "h-notices", "notices/case_panel.html", queries.case_panel, 3))
    app.add_template_global(listed, "written_notices")
    navigation.add(app, navigation.STAFF, Link("notices_staff.settings", _l("Notice settings"), 95,
                                               roles=("admin",)))
