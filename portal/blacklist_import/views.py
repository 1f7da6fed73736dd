"""The staff page for importing a published list: upload, check every row, import for review."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.blacklist.service import PROPOSERS
from portal.blacklist_import import service as imports
from portal.blacklist_import.forms import ImportForm
from portal.i18n import _
from portal.regions import service as regions

bp = Blueprint("blacklist_import", __name__, url_prefix="/staff/blacklist")


def _user():
    return current_user._get_current_object()


def _import_page(form: ImportForm, report=None, problem: str = "", imported: int | None = None, status: int = 200):
    return render_template("blacklist_import/staff_import.html", form=form, report=report, problem=problem,
                           imported=imported, describe=imports.describe, columns=imports.COLUMNS,
                           english=imports.ENGLISH,
                           required=imports.REQUIRED), status


@bp.route("/import", methods=["GET", "POST"])
@staff_required(*PROPOSERS)
def import_list():
    """Upload a published list: every row checked, a report by row number, and the import only
    when the file is clean or the officer chose to skip the bad rows."""
    form = ImportForm()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        return _import_page(form, status=422)
    user = _user()
    try:
        headers, rows = imports.read(form.file.data.read())
    except imports.FileUnreadable as exc:
        form.file.errors = [imports.unreadable(exc)]
        return _import_page(form, status=422)
    report = imports.check(headers, rows, clock.today(), regions.get(user.region_code).scope_prefix)
    if request.form.get("action") == "check":
        return _import_page(form, report, status=200 if not report.invalid else 422)
    if report.invalid and not form.skip_invalid.data:
        return _import_page(form, report, problem=_("Nothing was imported: correct the rows below, or tick "
                                                    "“skip rows with errors”."), status=422)
    entries = imports.import_rows(report.valid, form.batch.data, user)
    return _import_page(ImportForm(formdata=None), report, imported=len(entries))


@bp.get("/import/template.csv")
@staff_required(*PROPOSERS)
def template():
    """The published columns as a CSV template, with one example row."""
    response = Response(imports.template_csv(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=blacklist-template.csv"
    return response
