"""Administrators enter next year's official holiday schedule."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.extensions import db
from portal.text import clean_text
from portal.i18n import _, _l
from portal.regions import service as regions
from portal.security import audit
from portal.workdays import service

bp = Blueprint("workdays", __name__, url_prefix="/staff/holidays")


class ScheduleForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Give the year the schedule is for.")),
                                                NumberRange(2000, 2100, _l("Give a year between 2000 and 2100."))])
    source = StringField(_l("Source"), filters=[clean_text],
                         validators=[DataRequired(_l("Name the notice the schedule comes from.")), Length(max=200)],
                         description=_l("For example 国务院办公厅关于2027年部分节假日安排的通知"))
    rows = TextAreaField(_l("Days"), validators=[DataRequired(_l("Enter the days of the schedule.")),
                                                 Length(max=20000)],
                         description=_l("One day per line: date,kind,name. Kind is holiday (a day off) or "
                                        "workday (an adjusted working weekend). Example: 2027-10-09,workday,国庆节"))


@bp.route("", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def index():
    """The entered years, and a form to enter (or replace) a year's schedule. The schedule is
    national, so only administrators of a province (or wider) may change it."""
    if len(regions.get(current_user.region_code).scope_prefix) > 2:
        abort(403)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            days = service.import_text(form.rows.data, form.source.data, form.year.data)
        except service.ScheduleInvalid as exc:
            form.rows.errors = [_("This schedule cannot be entered: %(problem)s", problem=str(exc))]
        else:
            audit.record(f"user:{current_user.id}", "holidays.entered", "calendar_year", form.year.data,
                         after={"days": days, "source": form.source.data, "rows": form.rows.data[:4000]})
            db.session.commit()
            flash(_("The schedule was entered. Deadlines in these years are no longer provisional."), "success")
            return redirect(url_for(".index"))
    return render_template("workdays/holidays.html", form=form, years=service.entered_years()), \
        422 if form.errors else 200
