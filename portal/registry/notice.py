"""The staff inbox's line about licences that expire within 30 days in the user's jurisdiction."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from portal.registry import service


def inbox_notice() -> Markup:
    """Nothing when no licence of the jurisdiction expires soon (or for a supervisor)."""
    if not current_user.is_authenticated or current_user.role not in service.STAFF_ROLES:
        return Markup("")
    expiring = service.expiring(current_user)
    if not expiring:
        return Markup("")
    return Markup(render_template("registry/inbox_notice.html", expiring=expiring[:5], total=len(expiring),
                                  days=service.EXPIRY_NOTICE_DAYS))
