"""The staff page that exports 双公示 records for the credit platforms: the filter form, checked on
the server (errors beside the fields, 422), then the file."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.credit_exchange import layout, service
from portal.credit_exchange.forms import ExportForm

bp = Blueprint("credit_exchange", __name__, url_prefix="/staff")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/credit-exchange")
@staff_required(Role.ADMIN, Role.HANDLER, Role.REVIEWER)
def export():
    """The filter form; with its fields sent and valid, the file."""
    form = ExportForm(request.args)
    if not request.args:
        return render_template("credit_exchange/export.html", form=ExportForm(formdata=None),
                               columns=layout.HEADER)
    if not form.validate():
        return render_template("credit_exchange/export.html", form=form, columns=layout.HEADER), 422
    user = current_user._get_current_object()
    found = service.records(user, form.date_from.data, form.date_to.data, form.kinds)
    name = f"xzcf-{form.date_from.data:%Y%m%d}-{form.date_to.data:%Y%m%d}"
    if form.file_format.data == "xlsx":
        return Response(service.as_xlsx(found), mimetype=XLSX,
                        headers={"Content-Disposition": f"attachment; filename={name}.xlsx"})
    return Response(service.as_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}.csv"})
