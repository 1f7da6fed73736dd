"""The back office's publication periods: every penalty type under each tier, and the form with
which province administrators change one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.discretion.models import PenaltyCategory
from portal.i18n import _
from portal.publication import periods
from portal.publication.forms import PeriodForm
from portal.publication.models import Tier

bp = Blueprint("publication_staff", __name__, url_prefix="/staff")


def _page(form: PeriodForm, may_change: bool, status: int = 200):
    return render_template("publication/staff_periods.html", form=form, may_change=may_change,
                           table=periods.table(current_user.region_code), Penalties=list(PenaltyCategory),
                           Tiers=list(Tier),
                           basis=periods.BASIS), status


@bp.get("/publication-periods")
@staff_required(Role.ADMIN, Role.HANDLER, Role.REVIEWER)
def index():
    """The periods, and (for province administrators) the form changing one."""
    return _page(PeriodForm(), periods.may_change(current_user))


@bp.post("/publication-periods")
@staff_required(Role.ADMIN)
def change():
    """Change one period (province administrators)."""
    user = current_user._get_current_object()
    if not periods.may_change(user):
        raise periods.PeriodsNotYours("period")
    form = PeriodForm()
    if form.validate_on_submit():
        try:
            periods.save_period(user, PenaltyCategory(form.penalty.data), Tier(form.tier.data),
                                form.min_months.data, form.max_months.data)
        except periods.PeriodInvalid as exc:
            getattr(form, exc.args[0]).errors = [_("Check the months.")]
        else:
            flash(_("The publication period was changed."), "success")
            return redirect(url_for(".index"))
    return _page(form, True, 422)
