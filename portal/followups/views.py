"""/staff/follow-ups: the cases due a follow-up call (回访), and recording one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import clock
from portal.accounts.access import staff_required
from portal.casework import queries
from portal.followups import service
from portal.followups.forms import CallForm
from portal.i18n import _

bp = Blueprint("followups", __name__, url_prefix="/staff/follow-ups")


def _user():
    return current_user._get_current_object()


@bp.get("")
@staff_required(*service.ROLES)
def index():
    """The jurisdiction's cases due a call, the earliest last day first."""
    return render_template("followups/index.html", due=service.due(_user()), today=clock.today())


@bp.route("/<int:complaint_id>", methods=["GET", "POST"])
@staff_required(*service.ROLES)
def record(complaint_id: int):
    """Record a call on a case due one."""
    user = _user()
    complaint = queries.case_for_staff(user, complaint_id, for_update=request.method == "POST")
    allowed = service.may_record(complaint, user)
    form = CallForm()
    if request.method == "POST" and not allowed:
        flash(_("Nothing was saved: this case is not due a follow-up call, it is handled by another office, or "
                "you stepped aside from it."), "error")
    elif allowed and form.validate_on_submit():
        call = service.record(complaint, user, form.reached.data == "yes", form.chosen, form.comments.data)
        flash(_("The case is handled again: the reporter was not satisfied and the rules send it back.")
              if call.reopened else _("The call is recorded."), "success")
        return redirect(url_for(".index"))
    status = 200 if request.method == "GET" else (409 if not allowed else 422)
    return render_template("followups/record.html", complaint=complaint, form=form if allowed else None,
                           calls=service.calls(complaint), due_day=service.due_day(complaint)
                           if complaint.replied_at else None, reopens=service.reopens(complaint, clock.now())), status


def inbox_notice() -> Markup:
    """The cases inbox's notice of calls due (nothing when none, or for other roles)."""
    if not current_user.is_authenticated or current_user.role not in service.ROLES:
        return Markup("")
    total = service.due_count(current_user)
    if not total:
        return Markup("")
    return Markup(render_template("followups/inbox_notice.html", due=service.due(current_user, 5), total=total,
                                  today=clock.today()))
