"""How the audit log shows a record: who acted, on what, and each field's change, named and labelled."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts import actors
from portal.accounts.models import Role, User
from portal.casework.models import Complaint, Rating, ReviewStage, Source, Status
from portal.extensions import db
from portal.i18n import _, _l
from portal.rewards.models import RewardGrade
from portal.security.audit import AuditRecord

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
HIDDEN_FIELDS = frozenset({"name", "phone", "id_number", "identity", "reporter", "notify_email",
                           "notify_contact", "postal_address", "address", "registered_number"})
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
    actor_role: str
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
    user_ids = {actors.user_id(r.actor) for r in records}
    user_ids |= {_number(r.object_id) for r in records if r.object_type == "user"}
    for record in records:
        for side in (record.before, record.after):
            assignee = _loads(side).get("assignee") if record.action == "complaint.assign" else None
            user_ids.add(assignee if isinstance(assignee, int) else None)
    names = actors.load(user_ids)
    case_ids = {_number(r.object_id) for r in records if r.object_type == "complaint"} - {None}
    numbers = dict(db.session.execute(select(Complaint.id, Complaint.case_number)
                                      .where(Complaint.id.in_(case_ids))).all()) if case_ids else {}
    shown = []
    for record in records:
        actor, role, username = _actor(record.actor, names)
        complaint_id = _number(record.object_id) if record.object_type == "complaint" else None
        shown.append(Entry(record, actor, role, username, _object(record, names, numbers),
                           complaint_id if complaint_id in numbers else None, changes(record, names)))
    return shown


def _actor(actor: str, names: dict[int, User]) -> tuple[str, str, str]:
    """Who acted: name, role and username for an account; a description for anyone else."""
    who = actors.describe(actor, names)
    if who is not None:
        return who.name, who.role, who.username
    if actor.startswith(actors.USER_PREFIX):
        return _("Unknown account"), "", ""
    if actor.startswith("reporter:"):
        return _("Reporter (case %(number)s)", number=actor[len("reporter:"):]), "", ""
    if actor == "client":
        return _("Someone at the sign-in page"), "", ""
    if actor == "public":
        return _("Someone on the public site (not yet proved to be the reporter)"), "", ""
    if actor == "system":
        return _("The system"), "", ""
    return actor, "", ""


def _object(record: AuditRecord, names: dict[int, User], numbers: dict[int, str]) -> str:
    if record.object_type == "complaint":
        return numbers.get(_number(record.object_id) or 0, record.object_id)
    if record.object_type == "user":
        user = names.get(_number(record.object_id) or 0)
        return f"{user.display_name} ({user.username})" if user else _("Unknown account")
    if record.object_type == "calendar_year":
        return _("Holiday schedule %(year)s", year=record.object_id)
    return f"{record.object_type} {record.object_id}"
