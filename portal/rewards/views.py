"""The back office's reward pages: a legal reviewer's decision (and correction), and recording
the reporter's claim at the office."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role
from portal.casework import queries
from portal.i18n import _
from portal.rewards import service as rewards
from portal.rewards.forms import ClaimForm, DecisionForm

bp = Blueprint("rewards", __name__, url_prefix="/staff/cases")


def _user():
    return current_user._get_current_object()


def _case(complaint_id: int):
    """The case in the officer's jurisdiction; any other answers 404 through the error handler."""
    return queries.case_for_staff(_user(), complaint_id)


def _page(complaint, reward, form=None, mode: str = "decide", status: int = 200, message: str = ""):
    return render_template("rewards/reward.html", complaint=complaint, reward=reward, form=form, mode=mode,
                           message=message, scales=rewards.scales(complaint.region_code),
                           provisional=rewards.provisional(reward), today=clock.today()), status


def _prefilled(reward) -> dict:
    """A correction starts from the recorded decision; the reason is written anew."""
    differs = reward.amount is not None and reward.amount != reward.computed_amount
    return {"grade": reward.grade.value, "base_amount": reward.base_amount, "eligible": reward.amount is not None,
            "amount": reward.amount if differs else None}


@bp.route("/<int:complaint_id>/reward", methods=["GET", "POST"])
@staff_required(Role.REVIEWER)
def decide(complaint_id: int):
    """Decide the reward on a concluded case, or correct the decision with a reason."""
    user, complaint = _user(), _case(complaint_id)
    reward = rewards.for_case(complaint)
    refused = 409 if request.method == "POST" else 200
    if reward is None and complaint.status not in rewards.DECIDED:
        return _page(complaint, None, status=refused, message=_(
            "A reward can be decided only once the case is concluded."))
    if reward is not None and reward.claimed_at is not None:
        return _page(complaint, reward, status=refused, message=_(
            "The reward has been collected; the decision can no longer change."))
    # The page shows no form to someone the service would refuse (no certificate); the service
    # checks again when the form is sent.
    if not rewards.may_decide(complaint, user):
        abort(403)
    form = DecisionForm(scales=rewards.scales(complaint.region_code), correcting=reward is not None,
                        data=_prefilled(reward) if reward else None)
    if request.method == "POST" and request.form.get("action") == "calculate":
        form.base_amount.validate(form)
        form.calculate()
        return _page(complaint, reward, form)
    if form.validate_on_submit():
        if _store(complaint, reward, form):
            flash(_("The reward decision was recorded. The reporter sees it on the tracking page."), "success")
            return redirect(url_for("casework.case", complaint_id=complaint.id))
    return _page(complaint, reward, form, status=422 if request.method == "POST" else 200)


def _store(complaint, reward, form: DecisionForm) -> bool:
    """Decide or correct; a rule the form missed comes back as a message beside its field."""
    record = rewards.decide if reward is None else rewards.correct
    try:
        record(complaint, _user(), form.chosen, form.base_amount.data, form.amount.data, form.reason.data)
    except rewards.ReasonRequired:
        form.reason.errors = [_("Give the reason.")]
    except rewards.NotFirstReporter:
        form.grade.errors = [_("Only the first reporter (首告) of linked duplicates is rewarded here: this case "
                               "is linked as a duplicate of an earlier one. Decide no reward with the reason.")]
    except rewards.InvalidAmount:
        form.amount.errors = [_("Check the amounts: at most two decimals, and no more than the cap.")]
    else:
        return True
    return False


@bp.route("/<int:complaint_id>/reward/claim", methods=["GET", "POST"])
@staff_required(Role.HANDLER, Role.REVIEWER)
def claim(complaint_id: int):
    """Record that the reporter collected the reward: the receipt for an anonymous reporter,
    a note of the identity check for a named one."""
    complaint = _case(complaint_id)
    reward = rewards.for_case(complaint)
    refused = 409 if request.method == "POST" else 200
    if reward is None or reward.amount is None:
        return _page(complaint, reward, mode="claim", status=refused,
                     message=_("There is no reward to collect on this case."))
    if reward.claimed_at is not None:
        return _page(complaint, reward, mode="claim", status=refused,
                     message=_("The reward has already been collected."))
    if clock.today() > reward.claim_due:
        return _page(complaint, reward, mode="claim", status=refused, message=_claim_over(reward))
    form = ClaimForm(anonymous=complaint.anonymous)
    if form.validate_on_submit():
        try:
            rewards.record_claim(complaint, _user(), receipt=form.receipt.data,
                                 identity_check=form.identity_check.data)
        except rewards.ProofNotAccepted:
            form.receipt.errors = [_("This receipt code does not belong to this case. Check the code.")]
        except rewards.ClaimPeriodOver:
            return _page(complaint, reward, mode="claim", status=409, message=_claim_over(reward))
        else:
            flash(_("The claim was recorded."), "success")
            return redirect(url_for("casework.case", complaint_id=complaint.id))
    return _page(complaint, reward, form, mode="claim", status=422 if request.method == "POST" else 200)


def _claim_over(reward) -> str:
    return _("The claim period ended on %(date)s. The reward can no longer be collected.",
             date=format_date(reward.claim_due, 'long'))
