"""Staff register a complaint that came by phone, letter, visit or the 12345 hotline: the public
form's fields and rules, with how and when it arrived, filed for the officer's jurisdiction."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework.exceptions import OutsideJurisdiction
from portal.casework.models import Category, Source
from portal.finality import service as finality
from portal.i18n import _
from portal.intake import filing
from portal.intake.staff_forms import RegisterForm
from portal.intake.uploads import clean_uploads
from portal.security.receipts import display

bp = Blueprint("intake_staff", __name__, url_prefix="/staff")


def _user():
    return current_user._get_current_object()


@bp.route("/cases/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN, Role.HANDLER)
def register():
    """Register a complaint that came by phone, letter, visit or the 12345 hotline."""
    form = RegisterForm()
    if form.website.data:
        abort(400)
    if form.validate_on_submit() and (files := clean_uploads(form.files)) is not None:
        draft = form.draft(files)
        draft.source = Source(form.source.data)
        try:
            filed = filing.register_by_staff(_user(), draft, form.form_token.data, form.received_on.data,
                                             clock.now())
        except OutsideJurisdiction:
            form.region.errors = [_("This county is outside your jurisdiction. Register the complaint "
                                    "with the office responsible for it, or transfer it.")]
        else:
            return render_template("intake/staff_registered.html", complaint=filed.complaint,
                                   receipt=display(filed.receipt), replayed=filed.replayed,
                                   final=finality.final_cases(filed.complaint, _user()))
    status = 422 if request.method == "POST" else 200
    hints = {category.value: category.description for category in Category}
    return render_template("intake/staff_register.html", form=form, category_hints=hints), status
