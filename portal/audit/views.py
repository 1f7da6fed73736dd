"""The administrators' audit log: every record about their jurisdiction, newest first, filtered."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_, select
from wtforms import SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from portal import clock
from portal.accounts.access import staff_required
from portal.accounts.models import Role, User
from portal.casework import queries
from portal.forms import PlainDateField
from portal.casework.models import Complaint, Rating, ReviewStage, Source, Status
from portal.rewards.models import RewardGrade
from portal.extensions import db
from portal.text import clean_text
from portal.i18n import _, _l
from portal.pagination import Page, paginate, parse_page_number
from portal.regions import service as regions
from portal.security.audit import AuditRecord
from portal.security.audit_labels import ACTION_LABELS, action_label

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")
bp.add_app_template_filter(action_label, "audit_action")

CASE_NUMBER = re.compile(r"\d{6}-\d{8}-\d{4}")
REPORTERS = "reporter"
USER_PREFIX = "user:"
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class AuditFilterForm(FlaskForm):
    """What an administrator narrows the log to (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False,
                         choices=[SelectChoice("", _l("Any action"))]
                         + [SelectChoice(action, label) for action, label in ACTION_LABELS.items()])
    actor = StringField(_l("Who"), filters=[lambda value: clean_text(value).lower()],
                        validators=[Optional(), Length(max=40)],
                        description=_l("A staff username, or “reporter” for every reporter."))
    about = StringField(_l("Case or account"), filters=[clean_text], validators=[Optional(), Length(max=60)],
                        description=_l("A case number such as 330106-20261122-0007, or user: and a username."))
    date_from = PlainDateField(_l("From"), validators=[Optional()])
    date_to = PlainDateField(_l("Until"), validators=[Optional()])

    def validate_action(self, field) -> None:
        if field.data and field.data not in ACTION_LABELS:
            raise ValidationError(_l("Choose an action from the list."))

    def validate_date_from(self, field) -> None:
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(_l("Give a date between 2000 and 2100."))

    def validate_date_to(self, field) -> None:
        self.validate_date_from(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


@dataclass(frozen=True)
class Filters:
    """The filters, resolved to what the records store."""

    action: str | None = None
    actor: str | None = None  # an exact actor ("user:12"), or REPORTERS for every reporter
    object: tuple[str, str] | None = None  # (object_type, object_id)
    since: dt.datetime | None = None
    before: dt.datetime | None = None


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.zone())


def resolve_filters(form: AuditFilterForm, admin: User) -> Filters | None:
    """Turn a validated form into filters; name what cannot be found beside its field (None then)."""
    actor = about = None
    if form.actor.data == REPORTERS:
        actor = REPORTERS
    elif form.actor.data:
        found = _account_in_jurisdiction(admin, form.actor.data)
        if found is None:
            form.actor.errors = [_("No account with this username in your jurisdiction.")]
        else:
            actor = f"{USER_PREFIX}{found}"
    text = form.about.data or ""
    if text.lower().startswith(USER_PREFIX):
        found = _account_in_jurisdiction(admin, text[len(USER_PREFIX):].strip().lower())
        if found is None:
            form.about.errors = [_("No account with this username in your jurisdiction.")]
        else:
            about = ("user", str(found))
    elif text:
        if not CASE_NUMBER.fullmatch(text):
            form.about.errors = [_("Give a case number such as 330106-20261122-0007, or user: and a username.")]
        else:
            try:
                about = ("complaint", str(queries.find_case_number(admin, text).id))
            except queries.CaseNotFound:
                form.about.errors = [_("No case with this number in your jurisdiction.")]
    if form.errors:
        return None
    return Filters(action=form.action.data or None, actor=actor, object=about,
                   since=_local_midnight(form.date_from.data) if form.date_from.data else None,
                   before=_local_midnight(form.date_to.data + dt.timedelta(days=1)) if form.date_to.data else None)


def _account_in_jurisdiction(admin: User, username: str) -> int | None:
    """The id of the jurisdiction's account with this username: the same answer for an account
    elsewhere as for none, so the log reveals nothing about other jurisdictions' staff."""
    prefix = regions.get(admin.region_code).scope_prefix
    return db.session.scalar(select(User.id).where(User.username == username, User.region_code.startswith(prefix)))


def visible_to(admin: User) -> ColumnElement[bool]:
    """Records about a case or an account of the jurisdiction, or by one of its accounts."""
    prefix = regions.get(admin.region_code).scope_prefix
    inside = User.region_code.startswith(prefix)
    cases = select(cast(Complaint.id, String)).where(Complaint.region_code.startswith(prefix))
    accounts = select(cast(User.id, String)).where(inside)
    actors = select(literal(USER_PREFIX, String) + cast(User.id, String)).where(inside)
    return or_(and_(AuditRecord.object_type == "complaint", AuditRecord.object_id.in_(cases)),
               and_(AuditRecord.object_type == "user", AuditRecord.object_id.in_(accounts)),
               AuditRecord.actor.in_(actors))


def browse(admin: User, filters: Filters, number: int, size: int) -> Page[AuditRecord]:
    """One page of the records the administrator may see, newest first."""
    conditions = [visible_to(admin)]
    if filters.action:
        conditions.append(AuditRecord.action == filters.action)
    if filters.actor == REPORTERS:
        conditions.append(AuditRecord.actor.startswith("reporter:"))
    elif filters.actor:
        conditions.append(AuditRecord.actor == filters.actor)
    if filters.object:
        conditions += [AuditRecord.object_type == filters.object[0], AuditRecord.object_id == filters.object[1]]
    if filters.since:
        conditions.append(AuditRecord.at >= filters.since)
    if filters.before:
        conditions.append(AuditRecord.at < filters.before)
    return paginate(select(AuditRecord).where(*conditions).order_by(AuditRecord.id.desc()), number, size)


# How the log names the fields of before and after, and which values are labelled enums.
FIELD_LABELS = {
    "status": _l("State"), "conclusion_due": _l("Written reply due"), "days": _l("Extra days"),
    "to": _l("Transfer to"), "assignee": _l("Handler"), "duplicate_of": _l("Duplicate of"),
    "case_number": _l("Case number"), "source": _l("How it arrived"), "files": _l("Files"),
    "office": _l("Responsible office"), "stage": _l("Stage"), "rating": _l("Rating"), "email": _l("Email"),
    "username": _l("Username"), "role": _l("Role"), "region": _l("Jurisdiction"), "factor": _l("Second factor"),
    "grade": _l("Reward grade"), "base_amount": _l("Base amount"), "computed_amount": _l("Computed amount"),
    "amount": _l("Amount"), "claim_due": _l("Claim by"), "proof": _l("Proof"), "receipt_checked": _l("Receipt checked"),
}
ENUM_FIELDS = {"status": Status, "source": Source, "stage": ReviewStage, "rating": Rating, "role": Role,
               "grade": RewardGrade}
# Never shown, should a record ever carry them: the log is read by people who must not learn who reported.
HIDDEN_FIELDS = frozenset({"name", "phone", "id_number", "identity", "reporter", "notify_email"})
MAX_VALUE = 80


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    """One record as the log shows it."""

    record: AuditRecord
    actor: str
    actor_username: str
    object: str
    complaint_id: int | None
    changes: list[Change]


def _loads(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _value(field: str, value: object, names: dict[int, User]) -> str:
    if field in HIDDEN_FIELDS:
        return _("(hidden)")
    if value is None or value == "":
        return "—"
    if field in ENUM_FIELDS:
        try:
            return str(ENUM_FIELDS[field](value).label)
        except ValueError:
            pass
    if field == "assignee" and isinstance(value, int) and value in names:
        return names[value].display_name
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def changes(record: AuditRecord, names: dict[int, User]) -> list[Change]:
    """Before → after for each field that differs (or is only on one side), compactly."""
    before, after = _loads(record.before), _loads(record.after)
    fields = sorted(before.keys() | after.keys(), key=lambda name: (name != "status", name))  # the state first
    return [Change(str(FIELD_LABELS.get(field, field)), _value(field, before[field], names) if field in before else "",
                   _value(field, after.get(field), names))
            for field in fields if before.get(field) != after.get(field)]


def _number(text: str) -> int | None:
    """A record id stored as text (a user's or a case's), or None for anything else."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def entries(records: list[AuditRecord]) -> list[Entry]:
    """The page's records with their actors and objects named, in two queries whatever the page size."""
    user_ids = {_number(r.actor[len(USER_PREFIX):]) for r in records if r.actor.startswith(USER_PREFIX)}
    user_ids |= {_number(r.object_id) for r in records if r.object_type == "user"}
    for record in records:
        for side in (record.before, record.after):
            assignee = _loads(side).get("assignee") if record.action == "complaint.assign" else None
            user_ids.add(assignee if isinstance(assignee, int) else None)
    user_ids.discard(None)
    names = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    case_ids = {_number(r.object_id) for r in records if r.object_type == "complaint"} - {None}
    numbers = dict(db.session.execute(select(Complaint.id, Complaint.case_number)
                                      .where(Complaint.id.in_(case_ids))).all()) if case_ids else {}
    shown = []
    for record in records:
        actor, username = _actor(record.actor, names)
        complaint_id = _number(record.object_id) if record.object_type == "complaint" else None
        shown.append(Entry(record, actor, username, _object(record, names, numbers),
                           complaint_id if complaint_id in numbers else None, changes(record, names)))
    return shown


def _actor(actor: str, names: dict[int, User]) -> tuple[str, str]:
    if actor.startswith(USER_PREFIX):
        user = names.get(_number(actor[len(USER_PREFIX):]) or 0)
        return (user.display_name, user.username) if user else (actor, "")
    if actor.startswith("reporter:"):
        return _("Reporter (case %(number)s)", number=actor[len("reporter:"):]), ""
    if actor == "client":
        return _("Someone at the sign-in page"), ""
    if actor == "system":
        return _("The system"), ""
    return actor, ""


def _object(record: AuditRecord, names: dict[int, User], numbers: dict[int, str]) -> str:
    if record.object_type == "complaint":
        return numbers.get(_number(record.object_id) or 0, record.object_id)
    if record.object_type == "user":
        user = names.get(_number(record.object_id) or 0)
        return f"{user.display_name} ({user.username})" if user else _("Unknown account")
    if record.object_type == "calendar_year":
        return _("Holiday schedule %(year)s", year=record.object_id)
    return f"{record.object_type} {record.object_id}"


@bp.get("")
@staff_required(Role.ADMIN)
def index():
    """The log of the administrator's jurisdiction, newest first, with filters and pages."""
    admin = current_user._get_current_object()
    form = AuditFilterForm(request.args)
    filters = resolve_filters(form, admin) if form.validate() else None
    page = shown = None
    if filters is not None:
        page = browse(admin, filters, parse_page_number(request.args.get("page")), current_app.config["PAGE_SIZE"])
        shown = entries(page.items)
    args = {name: request.args[name] for name in ("action", "actor", "about", "date_from", "date_to")
            if request.args.get(name)}
    # Only the jurisdiction's own count: the national chain's length says how busy others are.
    total = db.session.scalar(select(func.count()).select_from(AuditRecord).where(visible_to(admin)))
    return render_template("audit/index.html", form=form, page=page, entries=shown, args=args,
                           jurisdiction_count=total), 422 if form.errors else 200
