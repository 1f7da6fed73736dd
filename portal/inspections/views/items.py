"""The inspection item list (抽查事项清单): each office's items, read by the offices below; managers
add, change and retire their own office's items."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.i18n import _
from portal.inspections import items
from portal.inspections.forms import ItemForm
from portal.inspections.models import Method
from portal.inspections.service import MANAGERS
from portal.regions import service as regions

bp = Blueprint("inspection_items", __name__, url_prefix="/staff/inspections/items")
ROLES = (*MANAGERS, Role.REVIEWER)  # reviewers read the list; managers keep it


def _user():
    return current_user._get_current_object()


def _item_data(form: ItemForm) -> items.ItemData:
    return items.ItemData(name=form.name.data, legal_basis=form.legal_basis.data,
                          ratio_percent=form.ratio_percent.data, frequency=form.frequency.data,
                          method=Method(form.method.data), active=form.active.data)


def _store_item(form: ItemForm, item=None):
    if not form.validate_on_submit():
        return None
    return items.save_item(_user(), _item_data(form), item)


@bp.route("", methods=["GET", "POST"])
@staff_required(*ROLES)
def item_list():
    """The item list of the office and the offices above; managers add items."""
    user = _user()
    form = ItemForm()
    if request.method == "POST":
        if user.role not in MANAGERS:
            abort(403)
        if _store_item(form) is not None:
            flash(_("The inspection item was added."), "success")
            return redirect(url_for(".item_list"))
    status = 422 if request.method == "POST" else 200
    return render_template("inspections/staff_items.html", items=items.items_for(user.region_code), form=form,
                           may_manage=user.role in MANAGERS, own=lambda item: item.region_code == user.region_code,
                           places=regions.by_codes(items.offices_up(user.region_code))), status


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@staff_required(*MANAGERS)
def item_edit(item_id: int):
    """Change or retire an item."""
    item = items.item_for_staff(_user(), item_id)
    data = None if request.method == "POST" else {
        "name": item.name, "legal_basis": item.legal_basis, "ratio_percent": item.ratio_percent,
        "frequency": item.frequency, "method": item.method.value, "active": item.active}
    form = ItemForm(data=data)
    if request.method == "POST" and _store_item(form, item) is not None:
        flash(_("The inspection item was changed."), "success")
        return redirect(url_for(".item_list"))
    return render_template("inspections/staff_item.html", form=form, item=item), (
        422 if request.method == "POST" else 200)
