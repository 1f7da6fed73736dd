"""Reaching a named reporter by the channel they chose (SMS, email, letter) when a written notice is
issued, and the print queue of letters: staff print a notice with its address cover sheet, mark it
posted (date, registered-mail number, 挂号信) and record the day the reply reached the reporter (送达)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Send each issued notice by the reporter's channel; mount the print queue; add the inbox's
    notice of letters waiting too long and the menu entry."""
    from portal import navigation
    from portal.i18n import _l
    from portal.letters import service
    from portal.letters.views import bp, inbox_notice
    from portal.navigation import Link
    from portal.notices.service import add_issued_listener

    add_issued_listener(app, service.notice_issued)
    app.register_blueprint(bp)
    app.add_template_global(inbox_notice, "letters_inbox_notice")
    navigation.add(app, navigation.STAFF, Link("letters.queue", _l("Letters to post"), 14,
                                               roles=("admin", "handler"), related=("letters.posted",)))
