"""The back office's discretion benchmark: every line, and the form that adds or changes one
(province administrators)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework.models import Category
from portal.discretion import service as catalogue
from portal.discretion import transfer
from portal.discretion.forms import ApplyForm, ImportForm, RuleForm
from portal.discretion.models import Circumstance, DiscretionRule
from portal.i18n import _, _l

bp = Blueprint("discretion_staff", __name__, url_prefix="/staff")

ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)


def _user():
    return current_user._get_current_object()


# ---- The discretion benchmark ------------------------------------------------------------------

@bp.get("/discretion")
@staff_required(*ROLES)
def discretion():
    """The discretion benchmark: what each violation under each circumstance allows."""
    return render_template("discretion/staff_discretion.html", rules=catalogue.rules(),
                           may_change=catalogue.may_change_rules(_user()), penalties_of=catalogue.rule_penalties)


def _rule_page(form: RuleForm, rule: DiscretionRule | None, status: int):
    return render_template("discretion/staff_rule.html", form=form, rule=rule), status


def _store_rule(form: RuleForm, rule: DiscretionRule | None):
    if not form.validate_on_submit():
        return None
    try:
        return catalogue.save_rule(
            _user(), Category(form.violation.data), Circumstance(form.circumstance.data), form.matter.data,
            form.legal_basis.data, next(level for level in catalogue.Level if level.value == form.level.data),
            [p for p in catalogue.PenaltyCategory if p.value in form.penalties.data], form.fine_min.data,
            form.fine_max.data, rule, form.criteria.data or "")
    except catalogue.RuleInvalid as exc:
        messages = {"circumstance": _("The benchmark already has a line for this violation and circumstances: "
                                      "edit that one."),
                    "penalties": _("Choose at least one penalty category."),
                    "fine_min": _("Check the fine range."), "fine_max": _("Check the fine range.")}
        getattr(form, exc.args[0]).errors = [messages[exc.args[0]]]
    return None


@bp.route("/discretion/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_rule():
    """Add a line to the benchmark (province administrators)."""
    if not catalogue.may_change_rules(_user()):
        abort(403)  # before the form is shown, not only when it is sent
    form = RuleForm()
    saved = _store_rule(form, None) if request.method == "POST" else None
    if saved is not None:
        flash(_("The benchmark line was added."), "success")
        return redirect(url_for(".discretion"))
    return _rule_page(form, None, 422 if request.method == "POST" else 200)


@bp.route("/discretion/<int:rule_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def edit_rule(rule_id: int):
    """Change a line of the benchmark (province administrators)."""
    rule = catalogue.for_change(_user(), rule_id)
    data = None if request.method == "POST" else {
        "violation": rule.violation.value, "circumstance": rule.circumstance.value, "matter": rule.matter,
        "criteria": rule.criteria, "legal_basis": rule.legal_basis, "level": rule.level.value,
        "penalties": [p.value for p in catalogue.rule_penalties(rule)], "fine_min": rule.fine_min,
        "fine_max": rule.fine_max}
    form = RuleForm(data=data)
    saved = _store_rule(form, rule) if request.method == "POST" else None
    if saved is not None:
        flash(_("The benchmark line was changed."), "success")
        return redirect(url_for(".discretion"))
    return _rule_page(form, rule, 422 if request.method == "POST" else 200)



# ---- CSV export and import ---------------------------------------------------------------------

@bp.get("/discretion.csv")
@staff_required(*ROLES)
def export():
    """The whole benchmark as CSV, in the columns the import reads."""
    return Response(transfer.export_csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=discretion-benchmark.csv"})


def _import_page(form, checked=None, apply_form=None, status=200):
    return render_template("discretion/staff_import.html", form=form, checked=checked, apply_form=apply_form,
                           problems=PROBLEMS), status


PROBLEMS = {"missing_columns": _l("columns missing from the header"), "too_many_rows": _l("too many rows"),
            "unknown_code": _l("not one of the codes"), "required": _l("required"), "too_long": _l("too long"),
            "not_a_number": _l("not an amount in yuan"),
            "fine_without_fine": _l("a fine range needs the penalty code fine"),
            "fine_range": _l("the fine range is wrong"),
            "duplicate": _l("a second row for this violation and circumstances")}


@bp.route("/discretion/import", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def import_rules():
    """Check a CSV file of benchmark lines (dry run): errors by row, or what would change."""
    if not catalogue.may_change_rules(_user()):
        abort(403)
    form = ImportForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _import_page(form, status=200 if request.method == "GET" else 422)
    raw = form.file.data.read(transfer.MAX_BYTES + 1)
    try:
        text = raw.decode("utf-8-sig") if len(raw) <= transfer.MAX_BYTES else None
    except UnicodeDecodeError:
        text = None
    if text is None:
        form.file.errors = [_("The file must be a CSV file in UTF-8 of at most 512 KB.")]
        return _import_page(form, status=422)
    checked = transfer.check(text)
    apply_form = None if checked.errors else ApplyForm(formdata=None, content=text,
                                                       filename=form.file.data.filename or "")
    return _import_page(form, checked, apply_form, 422 if checked.errors else 200)


@bp.post("/discretion/import/apply")
@staff_required(Role.ADMIN)
def apply_import():
    """Import the checked file: checked again, all or nothing, audited."""
    if not catalogue.may_change_rules(_user()):
        abort(403)
    form = ApplyForm()
    if not form.validate_on_submit() or not form.content.data or len(form.content.data) > transfer.MAX_BYTES:
        upload = ImportForm(formdata=None)
        upload.file.errors = [_("Choose the file and check it first.")]
        return _import_page(upload, status=422)
    checked = transfer.apply(_user(), form.content.data, form.filename.data or "")
    if checked.errors:  # the benchmark changed since the dry run
        return _import_page(ImportForm(formdata=None), checked, None, 409)
    flash(_("The benchmark was imported: %(added)d lines added, %(changed)d changed, %(unchanged)d unchanged.",
            added=len(checked.added), changed=len(checked.changed), unchanged=checked.unchanged), "success")
    return redirect(url_for(".discretion"))
