"""The staff page of a published disclosure's credit repair: the rules that apply, and the form
recording the application and the decision."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.credit_repair import applications, service
from portal.credit_repair.forms import RepairForm
from portal.disclosures import service as disclosures
from portal.disclosures.models import Disclosure
from portal.i18n import _
from portal.workflow import StepNotAllowed

bp = Blueprint("credit_repair_staff", __name__, url_prefix="/staff")

DRAFTERS = (Role.ADMIN, Role.HANDLER)

REPAIR_REASONS = {
    "not_repairable": lambda d: _("Credit repair cannot end this publication early: the penalties include a "
                                  "suspension or closure, a business restriction, an occupational ban, a "
                                  "downgrade, a revocation, or an order to stop enrolling or to stop running."),
    "too_early": lambda d: _("Credit repair can end this publication early only from %(date)s, after the "
                             "shortest publication period of its penalties.", date=format_date(d, "long")),
    "blacklisted": lambda d: _("The party is on the blacklist: no credit repair while the entry is in force."),
    "repeated": lambda d: _("The party repeated the violation: a later penalty decision of %(date)s is "
                            "published.", date=format_date(d, "long")),
    "not_performed": lambda d: _("The party has not performed the penalty yet."),
    "effects_remain": lambda d: _("The party has not removed the effects of the violation yet."),
    "ended": lambda d: _("The publication already ended on %(date)s.", date=format_date(d, "long")),
    "already_approved": lambda d: _("Credit repair was already approved; publication ended on %(date)s.",
                                    date=format_date(d, "long")),
    "applied_on": lambda d: _("The application date must lie between the decision date and today."),
}


def _page(disclosure: Disclosure, form: RepairForm, status: int = 200):
    today = clock.today()
    refusal = service.repair_refusal(disclosure, today)
    received = applications.for_disclosure(disclosure)
    return render_template("credit_repair/staff_repair.html", disclosure=disclosure, form=form,
                           applications=[(a, applications.proofs(a)) for a in received],
                           refusal=REPAIR_REASONS[refusal[0]](refusal[1]) if refusal else "",
                           may_record=disclosures.STEPS.may(current_user, disclosure, "repair"),
                           earliest=service.repair_earliest(disclosure)), status


@bp.route("/disclosures/<int:disclosure_id>/repair", methods=["GET", "POST"])
@staff_required(*DRAFTERS)
def repair(disclosure_id: int):
    """Record a credit-repair application and its decision."""
    user = current_user._get_current_object()
    disclosure = disclosures.for_staff(user, disclosure_id)
    waiting = applications.pending(disclosure)
    form = RepairForm(prefix="repair", data=None if request.method == "POST" else {
        "state": disclosure.state.value, "application": waiting[0].id if waiting else "",
        "applied_on": clock.local_date(waiting[0].created_at) if waiting else None})
    if not request.method == "POST":
        return _page(disclosure, form)
    application = next((a for a in waiting if str(a.id) == (form.application.data or "")), None)
    if form.state.data and form.state.data != disclosure.state.value:
        raise StepNotAllowed("repair")  # the page was out of date
    if form.validate_on_submit():
        try:
            service.record_repair(disclosure, user, form.applied_on.data, form.decision.data == "approve",
                                  form.note.data, performed=form.performed.data,
                                  effects_removed=form.effects_removed.data, application=application)
        except service.RepairRefused as exc:
            target = form.applied_on if exc.args[0] == "applied_on" else form.decision
            target.errors = [REPAIR_REASONS[exc.args[0]](exc.args[1])]
        else:
            flash(_("The credit-repair decision was recorded."), "success")
            return redirect(url_for("disclosure_staff.detail", disclosure_id=disclosure.id))
    return _page(disclosure, form, 422)


@bp.get("/disclosures/<int:disclosure_id>/repair/proofs/<int:proof_id>")
@staff_required(*DRAFTERS)
def proof(disclosure_id: int, proof_id: int):
    """One proof file of an online application, decrypted for staff (each viewing audited)."""
    user = current_user._get_current_object()
    disclosure = disclosures.for_staff(user, disclosure_id)
    found = applications.proof_of(disclosure, proof_id)
    data = applications.open_proof(found, user)
    return Response(data, mimetype=found.media_type, headers={
        "Content-Disposition": f'attachment; filename="{found.filename}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store"})
