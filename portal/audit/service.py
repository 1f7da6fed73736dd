"""What an administrator may read of the audit log: the records about their jurisdiction, filtered."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_, select

from portal import clock
from portal.accounts.models import User
from portal.casework import queries as cases
from portal.casework.models import Complaint
from portal.extensions import db
from portal.pagination import Page, paginate
from portal.regions import service as regions
from portal.security.audit import AuditRecord

CASE_NUMBER = re.compile(r"\d{6}-\d{8}-\d{4}")
REPORTERS = "reporter"
USER_PREFIX = "user:"


@dataclass(frozen=True)
class Filters:
    """The filters, resolved to what the records store."""

    action: str | None = None
    actor: str | None = None  # an exact actor ("user:12"), or REPORTERS for every reporter
    object: tuple[str, str] | None = None  # (object_type, object_id)
    since: dt.datetime | None = None
    before: dt.datetime | None = None


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a local day, as the log's time filters compare it."""
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.zone())


def account_in_jurisdiction(admin: User, username: str) -> int | None:
    """The id of the jurisdiction's account with this username: the same answer for an account
    elsewhere as for none, so the log reveals nothing about other jurisdictions' staff."""
    prefix = regions.get(admin.region_code).scope_prefix
    return db.session.scalar(select(User.id).where(User.username == username, User.region_code.startswith(prefix)))


def case_in_jurisdiction(admin: User, case_number: str) -> int:
    """The id of the jurisdiction's case with this number; raises `CaseNotFound` otherwise."""
    return cases.find_case_number(admin, case_number).id


def visible_to(admin: User) -> ColumnElement[bool]:
    """Records about a case or an account of the jurisdiction, or by one of its accounts."""
    prefix = regions.get(admin.region_code).scope_prefix
    inside = User.region_code.startswith(prefix)
    complaints = select(cast(Complaint.id, String)).where(Complaint.region_code.startswith(prefix))
    accounts = select(cast(User.id, String)).where(inside)
    actors = select(literal(USER_PREFIX, String) + cast(User.id, String)).where(inside)
    return or_(and_(AuditRecord.object_type == "complaint", AuditRecord.object_id.in_(complaints)),
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


def jurisdiction_count(admin: User) -> int:
    """How many records the administrator may see: the national chain's length says how busy others are."""
    return db.session.scalar(select(func.count()).select_from(AuditRecord).where(visible_to(admin)))
