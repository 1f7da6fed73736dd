"""The register of banned practitioners in the back office: the list and search by name, a new
entry, one entry (with its early end), the exact check, and a blacklist entry's link."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.access import staff_required
from portal.blacklist.models import BlacklistEntry
from portal.i18n import _
from portal.pagination import paginate, parse_page_number
from portal.practitioners import service
from portal.practitioners.forms import BanForm, CheckForm, LiftForm, LinkForm
from portal.practitioners.models import DocumentType
from portal.security import audit

bp = Blueprint("practitioners", __name__, url_prefix="/staff/practitioners")

READERS = tuple(service.READERS)
REGISTRARS = tuple(service.REGISTRARS)
# InvalidBan's field name → (form field, message)
BAN_REFUSALS = {
    "decision_number": ("decision_number", lambda: _("No published penalty decision of your jurisdiction has this "
                                                     "number.")),
    "not_a_ban": ("decision_number", lambda: _("This decision includes no occupational ban (限制从业).")),
    "starts_on": ("starts_on", lambda: _("A ban cannot begin before its decision was made.")),
    "lifelong": ("lifelong", lambda: _("The decision does not impose a lifelong ban.")),
    "ends_on_lifelong": ("ends_on", lambda: _("A lifelong ban has no end date: leave this empty.")),
    "ends_on": ("ends_on", lambda: _("Give the last day of the ban, or tick lifelong.")),
    "name": ("name", lambda: _("Give the person's full name.")),
    "number": ("number", lambda: _("This is not a valid number for the chosen document.")),
}


def _user():
    return current_user._get_current_object()


@bp.get("")
@staff_required(*READERS)
def index():
    """The jurisdiction's entries, newest first, searched by a part of the name."""
    user, query = _user(), (request.args.get("q") or "")[:service.SEARCH_MAX]
    page = paginate(service.in_jurisdiction(user, query), parse_page_number(request.args.get("page")),
                    current_app.config["PAGE_SIZE"])
    return render_template("practitioners/index.html", page=page, q=query, args={"q": query} if query else {},
                           today=clock.today(), may_register=user.role in service.REGISTRARS)


def _ban_data(form: BanForm) -> service.BanData:
    return service.BanData(decision_number=form.decision_number.data, name=form.name.data,
                           document_type=DocumentType(form.document_type.data), number=form.number.data,
                           lifelong=form.lifelong.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data)


@bp.route("/new", methods=["GET", "POST"])
@staff_required(*REGISTRARS)
def new():
    """Enter a person barred by a published decision of the jurisdiction."""
    form = BanForm()
    if request.method == "GET":
        return render_template("practitioners/new.html", form=form)
    if form.validate_on_submit():
        try:
            ban = service.register(_user(), _ban_data(form))
        except service.InvalidBan as exc:
            name, message = BAN_REFUSALS[exc.args[0]]
            form[name].errors = [message()]
        except service.AlreadyRegistered as exc:
            form.number.errors = [_("This person is already in the register under this decision (entry %(id)s).",
                                    id=exc.args[0])]
        else:
            flash(_("The person was entered in the register as entry %(id)s.", id=ban.id), "success")
            return redirect(url_for(".detail", ban_id=ban.id))
    return render_template("practitioners/new.html", form=form), 422


def _detail_page(ban, lift_form: LiftForm | None = None, status: int = 200):
    user = _user()
    return render_template(
        "practitioners/detail.html", ban=ban, today=clock.today(), lift_form=lift_form or LiftForm(),
        may_lift=user.role in service.REGISTRARS and ban.lifted_on is None,
        entries=service.blacklist_entries(ban), audit_entries=audit.for_object(service.OBJECT, ban.id)), status


@bp.get("/<int:ban_id>")
@staff_required(*READERS)
def detail(ban_id: int):
    """One entry: the person (number masked), the decision, the period and the blacklist entries."""
    return _detail_page(service.for_staff(_user(), ban_id))


@bp.post("/<int:ban_id>/lift")
@staff_required(*REGISTRARS)
def lift(ban_id: int):
    """End a ban early, with the day and the reason."""
    ban = service.for_staff(_user(), ban_id)
    form = LiftForm()
    if form.validate_on_submit():
        try:
            service.lift(ban, _user(), form.lifted_on.data, form.reason.data)
        except service.AlreadyLifted:
            return _detail_page(ban, form, 409)
        except service.InvalidBan:
            form.lifted_on.errors = [_("The day must lie between the start of the ban and today.")]
        else:
            flash(_("Recorded: the ban ended on %(date)s.", date=form.lifted_on.data.isoformat()), "success")
            return redirect(url_for(".detail", ban_id=ban.id))
    return _detail_page(ban, form, 422)


@bp.route("/check", methods=["GET", "POST"])
@staff_required(*READERS)
def check():
    """Whether a person, by exact name and ID number, is under a ban in force (every check audited).
    The answer shows the number masked and the form comes back empty: the number is not echoed."""
    form = CheckForm()
    if request.method == "GET":
        return render_template("practitioners/check.html", form=form, result=None)
    if form.validate_on_submit():
        try:
            result = service.check(_user(), form.name.data, DocumentType(form.document_type.data), form.number.data)
        except service.InvalidBan:
            form.number.errors = [_("This is not a valid number for the chosen document.")]
        else:
            user = _user()
            asked = {"name": form.name.data, "document": DocumentType(form.document_type.data).label}
            mine = {b.id for b in result.in_force + result.others if accounts.covers(user, b.region_code)}
            return render_template("practitioners/check.html", form=CheckForm(formdata=None), result=result,
                                   asked=asked, mine=mine)
    return render_template("practitioners/check.html", form=form, result=None), 422


# ---- Blacklist entries listed for employing a banned practitioner ------------------------------

def blacklist_panel(entry: BlacklistEntry) -> Markup:
    """On the blacklist's staff page: the banned person the operator employed, or the way to name
    them (only for entries listed for that reason)."""
    if not service.linkable(entry):
        return Markup("")
    link = service.linked(entry)
    return Markup(render_template("practitioners/blacklist_panel.html", entry=entry, link=link,
                                  may_link=_user().role in service.REGISTRARS))


@bp.route("/blacklist/<int:entry_id>", methods=["GET", "POST"])
@staff_required(*REGISTRARS)
def link_blacklist(entry_id: int):
    """Name the register entry of the banned person a blacklisted operator employed."""
    entry = service.blacklist_entry(_user(), entry_id)
    current = service.linked(entry)
    form = LinkForm()
    if current is not None or not service.linkable(entry):
        return render_template("practitioners/link.html", entry=entry, form=form, current=current), \
            (200 if request.method == "GET" else 409)
    if request.method == "GET":
        return render_template("practitioners/link.html", entry=entry, form=form, current=None)
    if form.validate_on_submit():
        try:
            service.link_blacklist(_user(), entry, form.ban_id.data)
        except service.BanNotFound:
            form.ban_id.errors = [_("Your jurisdiction's register has no entry with this number.")]
        else:
            flash(_("The blacklist entry now names the banned practitioner."), "success")
            return redirect(url_for("blacklist_staff.detail", entry_id=entry.id))
    return render_template("practitioners/link.html", entry=entry, form=form, current=None), 422
