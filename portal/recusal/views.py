"""Declaring an interest in a record (a case, a disclosure, a blacklist entry, an identity request),
confirming one a colleague recorded, and the office's list of declarations."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts.access import staff_required
from portal.forms import StateForm
from portal.i18n import _
from portal.recusal import service as recusal
from portal.recusal.forms import DeclarationForm

bp = Blueprint("recusal", __name__, url_prefix="/staff")


def _user():
    return current_user._get_current_object()


@bp.route("/cases/<int:complaint_id>/recusal", methods=["GET", "POST"])
@staff_required(*recusal.DECLARERS)
def declare(complaint_id: int):
    """Step aside from a case (回避), or record that a colleague must."""
    return record("complaint", complaint_id)


@bp.route("/recusal/<object_type>/<int:object_id>", methods=["GET", "POST"])
@staff_required(*recusal.DECLARERS)
def record(object_type: str, object_id: int):
    """Step aside from a record, or record that a colleague must (a second person confirms it)."""
    user = _user()
    kind = recusal.kind_of(object_type)
    found = kind.load(user, object_id)
    mine = recusal.declared(user, object_type, found.id)
    form = DeclarationForm()
    people = [u for u in recusal.colleagues(kind.region(found)) if u.id != user.id]
    form.person.choices = [SelectChoice("", _("Myself"))] + [SelectChoice(str(u.id), u.display_name) for u in people]
    back = url_for(kind.endpoint, **{kind.arg: found.id})
    if form.validate_on_submit():
        person = next((u for u in people if str(u.id) == form.person.data), None)
        try:
            recusal.declare(kind, found, user, form.reason.data, person)
        except recusal.AlreadyDeclared:
            form.person.errors = [_("This person has stepped aside from this record already, or a declaration "
                                    "for them waits for confirmation.")]
        else:
            flash(_("Recorded: you have stepped aside from this record and can no longer act on it.") if person is None
                  else _("Recorded. It holds once a second person confirms it on the list of recusals."), "success")
            return redirect(back)
    status = 200 if request.method == "GET" else 422
    return render_template("recusal/declare.html", kind=kind, record=found, label=kind.label(found), back=back,
                           form=form, mine=mine), status


@bp.post("/recusals/<int:declaration_id>/confirm")
@staff_required(*recusal.DECLARERS)
def confirm(declaration_id: int):
    """Confirm, as a second person, a declaration a colleague recorded for someone else."""
    user = _user()
    found = recusal.pending(user, declaration_id)
    form = StateForm()  # the page showed it waiting: an empty or stale post confirms nothing
    if not form.validate_on_submit() or form.state.data != "waiting":
        abort(422)
    if not recusal.may_confirm(found, user):
        abort(409)
    recusal.confirm(found, user)
    flash(_("Confirmed: from now on the person named can no longer act on the record."), "success")
    return redirect(url_for(".index"))


@bp.get("/recusals")
@staff_required(*recusal.DECLARERS)
def index():
    """Who stepped aside from which record in the jurisdiction, and why; what waits for a second person."""
    user = _user()
    declarations = recusal.in_jurisdiction(user)
    return render_template("recusal/index.html", declarations=declarations, kinds=recusal.kinds(),
                           confirmable={d.id for d in declarations if recusal.may_confirm(d, user)})
