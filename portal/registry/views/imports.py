"""Imports in bulk: a registry officer checks a file (every row reported by its number), previews what
it would change and submits it; another registry officer of the jurisdiction applies or refuses it."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.i18n import _
from portal.registry import facts as facts_
from portal.registry import importing, imports, service
from portal.registry.forms import DecisionForm, ImportForm
from portal.registry.models import ImportState
from portal.tabular import FileUnreadable

bp = Blueprint("registry_imports", __name__, url_prefix="/staff/registry/imports")
MAX_BYTES = 10 * 1024 * 1024

UNREADABLE = {
    "format": lambda _detail: _("This file cannot be read. Save it as XLSX (Excel) or CSV and try again."),
    "empty": lambda _detail: _("This file has no rows."),
    "too_many": lambda detail: _("This file has more than %(max)s rows: split it, or ask the system "
                                 "administrator to load it with the command line.", max=detail),
    "columns": lambda detail: _("These columns are missing: %(columns)s. Start from the template.",
                                columns="、".join(detail)),
}


def _list(form: ImportForm | None = None, plan=None, status: int = 200):
    return render_template("registry/imports.html", form=form or ImportForm(), plan=plan,
                           imports=imports.listed(current_user), officer=current_user.registry_officer,
                           labels=facts_.LABELS, shown=facts_.shown), status


@bp.get("")
@staff_required(*service.STAFF_ROLES)
def index():
    """The jurisdiction's imports (waiting ones first) and the form to check a file."""
    return _list()


@bp.post("")
@staff_required(*service.STAFF_ROLES)
def check():
    """Check a file: with any problem, every row's problems are listed and nothing is kept; a file
    without problems is kept as a draft and its preview shown."""
    service.check_officer(current_user)
    form = ImportForm()
    if not form.validate_on_submit():
        return _list(form, status=422)
    content = form.file.data.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        form.file.errors = [_("The file is larger than %(size)s MB: split it.", size=MAX_BYTES // 1024 // 1024)]
        return _list(form, status=422)
    try:
        plan = importing.plan(content, current_user, importing.WEB_MAX_ROWS)
    except FileUnreadable as exc:
        form.file.errors = [UNREADABLE[exc.args[0]](exc.args[1] if len(exc.args) > 1 else None)]
        return _list(form, status=422)
    if plan.invalid:
        form.file.errors = [_("%(count)s rows have problems: correct them in the file and check it again.",
                              count=len(plan.invalid))]
        return _list(form, plan=plan, status=422)
    record = imports.save_draft(current_user, form.file.data.filename or "registry.xlsx", content, plan)
    return redirect(url_for(".detail", import_id=record.id))


@bp.get("/template.csv")
@staff_required(*service.STAFF_ROLES)
def template():
    """The columns a file must have, with one example row."""
    return Response("\ufeff" + importing.template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=registry-template.csv"})


def _detail(record, form: DecisionForm | None = None, status: int = 200):
    planned = imports.rows(record)
    return render_template("registry/import.html", record=record, rows=planned, summary=imports.summary(record),
                           form=form or DecisionForm(), labels=facts_.LABELS, shown=facts_.shown,
                           may_submit=record.state is ImportState.DRAFT and record.submitted_by_id == current_user.id,
                           may_decide=(record.state is ImportState.WAITING and current_user.registry_officer
                                       and record.submitted_by_id != current_user.id)), status


@bp.get("/<int:import_id>")
@staff_required(*service.STAFF_ROLES)
def detail(import_id: int):
    """The preview: what each row would do (new, which fields change, unchanged)."""
    return _detail(imports.get(current_user, import_id))


@bp.post("/<int:import_id>/submit")
@staff_required(*service.STAFF_ROLES)
def submit(import_id: int):
    """The officer who checked the file asks a second officer to apply it."""
    record = imports.get(current_user, import_id)  # CSRFProtect has checked the token of every POST
    imports.submit(current_user, record)
    flash(_("Submitted: another registry officer of your jurisdiction applies it."), "success")
    return redirect(url_for(".detail", import_id=record.id))


@bp.post("/<int:import_id>/withdraw")
@staff_required(*service.STAFF_ROLES)
def withdraw(import_id: int):
    """The officer who checked the file withdraws it before anyone applies it."""
    record = imports.get(current_user, import_id)
    imports.withdraw(current_user, record)
    flash(_("The import was withdrawn; nothing was applied."), "success")
    return redirect(url_for(".detail", import_id=record.id))


@bp.post("/<int:import_id>/decide")
@staff_required(*service.STAFF_ROLES)
def decide(import_id: int):
    """A second registry officer applies the import as previewed, or refuses it with the reason."""
    record = imports.get(current_user, import_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _detail(record, form, status=422)
    if form.decision.data == "apply":
        counts = imports.approve(current_user, record)
        flash(_("Applied: %(created)s new, %(changed)s changed, %(unchanged)s unchanged, %(skipped)s skipped "
                "because the institution changed since the preview.", **counts), "success")
    else:
        imports.refuse(current_user, record, form.reason.data)
        flash(_("The import was refused; nothing was applied."), "success")
    return redirect(url_for(".detail", import_id=record.id))
