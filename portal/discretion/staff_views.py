"""The back office's discretion benchmark: the lines in force in the viewer's province (or the
national ones), the form that adds or changes a line of the administrator's own scope (national
administrators the national lines, a province's administrators that province's), the removal of a
province's line, and the CSV export and import for that scope."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework.models import Category
from portal.discretion import service as catalogue
from portal.discretion import transfer
from portal.discretion.forms import ApplyForm, ImportForm, RemoveForm, RuleForm
from portal.discretion.models import Circumstance, DiscretionRule
from portal.i18n import _, _l
from portal.regions import service as regions

bp = Blueprint("discretion_staff", __name__, url_prefix="/staff")

ROLES = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)


def _user():
    return current_user._get_current_object()


# ---- The discretion benchmark ------------------------------------------------------------------

def _province(scope: str):
    """The province of a scope (None for national)."""
    return regions.get(scope + "0000") if scope else None


@bp.get("/discretion")
@staff_required(*ROLES)
def discretion():
    """The discretion benchmark in force in the viewer's province (or the national one): what each
    violation under each circumstance allows, and whether the line is the province's own."""
    user = _user()
    scope = catalogue.scope_of(user.region_code)
    return render_template("discretion/staff_discretion.html", rules=catalogue.rules(scope), scope=scope,
                           province=_province(scope), editable=catalogue.editable_scope(user),
                           penalties_of=catalogue.rule_penalties)


def _rule_page(form: RuleForm, rule: DiscretionRule | None, status: int):
    scope = catalogue.editable_scope(_user())
    return render_template("discretion/staff_rule.html", form=form, rule=rule, province=_province(scope or ""),
                           remove_form=RemoveForm() if rule is not None and rule.scope else None), status


def _rule_data(rule: DiscretionRule) -> dict:
    return {"violation": rule.violation.value, "circumstance": rule.circumstance.value, "matter": rule.matter,
            "criteria": rule.criteria, "legal_basis": rule.legal_basis, "level": rule.level.value,
            "penalties": [p.value for p in catalogue.rule_penalties(rule)], "fine_min": rule.fine_min,
            "fine_max": rule.fine_max}


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


def _starting_line() -> DiscretionRule | None:
    """The line in force that a province's new line starts from (?violation=…&circumstance=…)."""
    violation = next((c for c in Category if c.value == request.args.get("violation")), None)
    circumstance = next((c for c in Circumstance if c.value == request.args.get("circumstance")), None)
    return catalogue.benchmark(violation, circumstance, _user().region_code)


@bp.route("/discretion/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_rule():
    """Add a line to the administrator's scope: national, or the province's own (which then applies
    there instead of the national line for the same violation and circumstances)."""
    if not catalogue.may_change_rules(_user()):
        abort(403)  # before the form is shown, not only when it is sent
    start = _starting_line() if request.method == "GET" else None
    form = RuleForm(data=_rule_data(start) if start is not None else None)
    saved = _store_rule(form, None) if request.method == "POST" else None
    if saved is not None:
        flash(_("The benchmark line was added."), "success")
        return redirect(url_for(".discretion"))
    return _rule_page(form, None, 422 if request.method == "POST" else 200)


@bp.route("/discretion/<int:rule_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def edit_rule(rule_id: int):
    """Change a line of the administrator's own scope (a national line, or the province's own)."""
    rule = catalogue.for_change(_user(), rule_id)
    form = RuleForm(data=None if request.method == "POST" else _rule_data(rule))
    saved = _store_rule(form, rule) if request.method == "POST" else None
    if saved is not None:
        flash(_("The benchmark line was changed."), "success")
        return redirect(url_for(".discretion"))
    return _rule_page(form, rule, 422 if request.method == "POST" else 200)


@bp.post("/discretion/<int:rule_id>/remove")
@staff_required(Role.ADMIN)
def remove_rule(rule_id: int):
    """Remove a province's own line: the national line applies there again (audited)."""
    rule = catalogue.for_change(_user(), rule_id)  # the form token is checked for every post (CSRFProtect)
    catalogue.remove_rule(_user(), rule)
    flash(_("The province's line was removed: the national line applies again."), "success")
    return redirect(url_for(".discretion"))


# ---- CSV export and import ---------------------------------------------------------------------

@bp.get("/discretion.csv")
@staff_required(*ROLES)
def export():
    """The benchmark in force in the viewer's province (or the national one) as CSV, in the columns
    the import reads, and `source` (the province's own line or the national one)."""
    scope = catalogue.scope_of(_user().region_code)
    name = f"discretion-benchmark-{scope}.csv" if scope else "discretion-benchmark.csv"
    return Response(transfer.export_csv(scope), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def _import_page(form, checked=None, apply_form=None, status=200):
    scope = catalogue.editable_scope(_user())
    return render_template("discretion/staff_import.html", form=form, checked=checked, apply_form=apply_form,
                           problems=PROBLEMS, province=_province(scope or "")), status


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
    checked = transfer.check(text, catalogue.editable_scope(_user()))
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
