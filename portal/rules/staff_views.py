"""The back office's rules: every rule as it stands in the viewer's province (or nationally), and
the page where the administrators of that scope change one and read its history."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.i18n import _
from portal.regions import service as regions
from portal.rules import service
from portal.rules.definitions import DEFINITIONS, Group, Kind
from portal.rules.forms import FlagRuleForm, RuleForm

bp = Blueprint("rules", __name__, url_prefix="/staff/rules")
READERS = (Role.ADMIN, Role.HANDLER, Role.REVIEWER)


def _user():
    return current_user._get_current_object()


def _scope() -> str:
    """The scope the viewer reads: their province, or national for the country (and for nobody else)."""
    return service.scope_of(current_user.region_code)


@bp.get("")
@staff_required(*READERS)
def index():
    """Every rule in the viewer's scope, by group, with its bounds and where its value comes from."""
    scope = _scope()
    resolved = {found.definition.name: found for found in service.table(scope)}
    return render_template("rules/index.html", groups=list(Group), definitions=DEFINITIONS, resolved=resolved,
                           scope=scope, province=_province(scope), editable=service.editable_scope(_user()) == scope)


def _province(scope: str):
    return regions.get(scope + "0000") if scope else None


@bp.route("/<rule_name>", methods=["GET", "POST"])
@staff_required(*READERS)
def edit(rule_name: str):
    """One rule: its value, history and (for the administrators of the scope) the form changing it."""
    name = rule_name
    rule = service.definition(name)
    scope = _scope()
    editable = service.editable_scope(_user()) == scope
    form = (FlagRuleForm if rule.kind is Kind.FLAG else RuleForm)()
    status = 200
    if form.is_submitted():
        if not editable:
            raise service.RulesNotYours(name)
        if _save(form, name, scope):
            flash(_("The rule was changed. It applies to records whose period starts from now on."), "success")
            return redirect(url_for(".edit", rule_name=name))
        status = 422
    return render_template("rules/edit.html", rule=rule, form=form, scope=scope, province=_province(scope),
                           found=service.resolve(name, scope + "0000" if scope else None),
                           history=service.history(name, scope), editable=editable, Kind=Kind), status


def _save(form: RuleForm, name: str, scope: str) -> bool:
    if not form.validate():
        return False
    follow = bool(scope) and form.follow_national.data
    if not follow and not form.value.data:
        form.value.errors = [_("Give the new value.")]
        return False
    try:
        service.change(_user(), name, scope, None if follow else form.value.data, form.reason.data)
    except service.ValueOutOfBounds:
        form.value.errors = [_("Give a value within the bounds shown.")]
        return False
    except service.NothingToReset:
        form.follow_national.errors = [_("The province already follows the national value.")]
        return False
    return True
