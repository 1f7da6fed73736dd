"""The list of cases nobody is handling, and the short version the staff inbox shows on top."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from markupsafe import Markup

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.escalation import service
from portal.regions import service as regions

bp = Blueprint("escalation", __name__, url_prefix="/staff")

ROLES = (Role.ADMIN, Role.HANDLER)  # those who may assign a case or take it
NOTICE_ROWS = 3


def _context(user, rows: list[service.Waiting]) -> dict:
    return {"rows": rows, "Reason": service.Reason, "days": service.rule().days, "today": clock.today(),
            "offices": regions.by_codes({row.complaint.handling_region_code for row in rows}
                                        | {row.complaint.region_code for row in rows})}


@bp.get("/cases/unhandled")
@staff_required(*ROLES)
def waiting():
    """Every case in the jurisdiction that nobody is handling, with the reason."""
    user = current_user._get_current_object()
    rows = service.waiting_for(user)
    total = service.count_for(user) if len(rows) == service.LIMIT else len(rows)
    return render_template("escalation/waiting.html", total=total, **_context(user, rows))


def inbox_notice() -> Markup:
    """The inbox's flagged list: the first few cases nobody is handling, and a link to the rest."""
    user = current_user._get_current_object()
    if not user.is_authenticated or user.role not in ROLES:
        return Markup("")
    rows = service.waiting_for(user, limit=NOTICE_ROWS)
    if not rows:
        return Markup("")
    total = service.count_for(user) if len(rows) == NOTICE_ROWS else len(rows)
    return Markup(render_template("escalation/inbox_notice.html", total=total, **_context(user, rows)))


def case_notice(complaint) -> Markup:
    """On the case page: that nobody in the case's office can take it, and what to do."""
    if complaint.assignee_id or complaint.status not in service.HANDLING \
            or service.has_handler(complaint.handling_region_code):
        return Markup("")
    office = regions.get(complaint.handling_region_code)
    return Markup(render_template("escalation/case_notice.html", office=office))
