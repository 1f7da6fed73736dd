"""The administrators' audit log: every record about their jurisdiction, newest first, filtered."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.audit import service
from portal.audit.entries import entries
from portal.audit.forms import AuditFilterForm, resolve_filters
from portal.pagination import parse_page_number
from portal.security.audit_labels import action_label

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")
bp.add_app_template_filter(action_label, "audit_action")

FILTER_ARGS = ("action", "actor", "about", "date_from", "date_to")


@bp.get("")
@staff_required(Role.ADMIN)
def index():
    """The log of the administrator's jurisdiction, newest first, with filters and pages."""
    admin = current_user._get_current_object()
    form = AuditFilterForm(request.args)
    filters = resolve_filters(form, admin) if form.validate() else None
    page = shown = None
    if filters is not None:
        page = service.browse(admin, filters, parse_page_number(request.args.get("page")),
                              current_app.config["PAGE_SIZE"])
        shown = entries(page.items)
    args = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    return render_template("audit/index.html", form=form, page=page, entries=shown, args=args,
                           jurisdiction_count=service.jurisdiction_count(admin)), 422 if form.errors else 200
