"""Administrators enter next year's official holiday schedule, and see which deadlines it moved."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.i18n import _
from portal.workdays import entering, recompute, service
from portal.workdays.forms import ScheduleForm

bp = Blueprint("workdays", __name__, url_prefix="/staff/holidays")


@bp.route("", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def index():
    """The entered years, and a form to enter (or replace) a year's schedule. The schedule is
    national, so only administrators whose jurisdiction is the whole country may change it."""
    service.check_may_enter(current_user.region_code)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            entered = entering.enter_schedule(form.rows.data, form.source.data, form.year.data,
                                              f"user:{current_user.id}")
        except service.ScheduleInvalid as exc:
            form.rows.errors = [_("This schedule cannot be entered: %(problem)s", problem=str(exc))]
        else:
            flash(_("The schedule was entered. Deadlines in these years are no longer provisional."), "success")
            return redirect(url_for(".moved", recount_id=entered.recount.id))
    return render_template("workdays/holidays.html", form=form, years=service.entered_years()), \
        422 if form.errors else 200


@bp.route("/moved/<int:recount_id>")
@staff_required(Role.ADMIN)
def moved(recount_id: int):
    """The stored deadlines one entry of a schedule moved, from its audit record."""
    service.check_may_enter(current_user.region_code)
    found = recompute.moves_recorded(recount_id)
    if found is None:
        abort(404)
    record, moves = found
    return render_template("workdays/moved.html", record=record, moves=moves, recounts=recompute.registered())
