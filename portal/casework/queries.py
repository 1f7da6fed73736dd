"""What staff see of cases: one case within their jurisdiction, and the inbox."""
from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import selectinload

from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework import deadlines
from portal.casework.exceptions import AttachmentNotFound, CaseNotFound
from portal.casework.models import Attachment, Category, Complaint, ComplaintEvent, Source, Status
from portal.extensions import db
from portal.institutions import service as institutions
from portal.pagination import Page, ids_in_two_walks
from portal.regions import service as regions
from portal.security import crypto
from portal.text import clean_text

MAX_ID = 2**31 - 1


def case_for_staff(user: User, complaint_id: int, *, for_update: bool = False) -> Complaint:
    """A case inside the user's jurisdiction, with its institution, county and assignee loaded.

    `for_update` locks the case's row until the transaction ends (SELECT … FOR UPDATE; SQLite,
    whose writers already queue at BEGIN IMMEDIATE, ignores it), and reads it afresh, so a step
    is checked against the state left by whoever acted a moment before.
    """
    if not 1 <= complaint_id <= MAX_ID:
        raise CaseNotFound(complaint_id)
    query = select(Complaint).where(Complaint.id == complaint_id).options(
        selectinload(Complaint.institution), selectinload(Complaint.region), selectinload(Complaint.assignee))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    complaint = db.session.scalar(query)
    if complaint is None or not accounts.covers(user, complaint.region_code):
        raise CaseNotFound(complaint_id)
    return complaint


# Due soon: within this many working days (the "due within 3 working days").
DUE_SOON = deadlines.Rule(3, deadlines.Unit.WORKING_DAYS, "inbox")
MAX_QUERY_LENGTH = 100
CASE_NUMBER = re.compile(r"^\d{6}-\d{8}-\d{4}$")


class Due(enum.Enum):
    OVERDUE = "overdue"
    SOON = "soon"


@dataclass(frozen=True)
class InboxFilters:
    """What an officer narrows the inbox to; every part optional, anything unknown ignored."""

    status: Status | None = None
    category: Category | None = None
    source: Source | None = None
    county: str | None = None  # a region code inside the jurisdiction
    assignee: str | None = None  # "me", "none", or a user id as text
    due: Due | None = None
    mine: bool = False  # only cases my office is responsible for now (reviews included)
    text: str = ""  # a case number (or its start), or part of the institution's name

    @classmethod
    def from_args(cls, args) -> "InboxFilters":
        def pick(enum_class, key):
            values = {member.value: member for member in enum_class}
            return values.get(args.get(key, ""))
        county = args.get("county", "")
        assignee = args.get("assignee", "")
        return cls(status=pick(Status, "status"), category=pick(Category, "category"),
                   source=pick(Source, "source"), due=pick(Due, "due"),
                   county=county if county.isascii() and county.isdigit() and len(county) == 6 else None,
                   assignee=assignee if assignee in ("me", "none") or (assignee.isascii() and assignee.isdigit()
                                                                      and len(assignee) < 10) else None,
                   mine=args.get("mine") == "1", text=clean_text(args.get("q", ""))[:MAX_QUERY_LENGTH])


@dataclass(frozen=True)
class Inbox:
    page: Page[Complaint]
    counts: dict[Status, int]  # per status, under every filter but the status one
    today: dt.date
    soon_until: dt.date


def _scope(user: User) -> ColumnElement[bool]:
    return regions.code_within(Complaint.region_code, regions.get(user.region_code))


def _filtered(user: User, filters: InboxFilters, today: dt.date, soon_until: dt.date) -> list:
    conditions = [_scope(user)]
    if filters.category:
        conditions.append(Complaint.category == filters.category)
    if filters.source:
        conditions.append(Complaint.source == filters.source)
    if filters.county:
        conditions.append(Complaint.region_code == filters.county)
    if filters.assignee == "me":
        conditions.append(Complaint.assignee_id == user.id)
    elif filters.assignee == "none":
        conditions.append(Complaint.assignee_id.is_(None))
    elif filters.assignee:
        conditions.append(Complaint.assignee_id == int(filters.assignee))
    if filters.due is Due.OVERDUE:
        conditions.append(Complaint.next_due < today)
    elif filters.due is Due.SOON:
        conditions.append(Complaint.next_due.between(today, soon_until))
    if filters.mine:
        conditions.append(Complaint.handling_region_code == user.region_code)
    if filters.text:
        text = filters.text.upper()
        if CASE_NUMBER.match(text) or (text[:1].isdigit() and set(text) <= set("0123456789-")):
            conditions.append(Complaint.case_number.startswith(text, autoescape=True))
        else:
            conditions.append(institutions.named_like(Complaint.institution_id, Complaint.institution_name,
                                                      filters.text))
    return conditions


EXPORT_LIMIT = 10_000


def _ordered(conditions: list) -> Select:
    return (select(Complaint).where(*conditions)
            .options(selectinload(Complaint.institution), selectinload(Complaint.region),
                     selectinload(Complaint.assignee))
            .order_by(Complaint.next_due.is_(None), Complaint.next_due, Complaint.id.desc()))


def export(user: User, filters: InboxFilters, today: dt.date) -> list[Complaint]:
    """Every case the inbox shows under these filters (up to a limit), for a CSV download."""
    conditions = _filtered(user, filters, today, deadlines.add_period(today, DUE_SOON).day)
    if filters.status:
        conditions.append(Complaint.status == filters.status)
    return list(db.session.scalars(_ordered(conditions).limit(EXPORT_LIMIT)))


def inbox(user: User, filters: InboxFilters, page: int, page_size: int, today: dt.date) -> Inbox:
    """One page of the jurisdiction's cases, nearest deadline first (cases with nothing due last),
    and how many there are in each state."""
    soon_until = deadlines.add_period(today, DUE_SOON).day
    conditions = _filtered(user, filters, today, soon_until)
    rows = db.session.execute(select(Complaint.status, func.count(), func.count(Complaint.next_due))
                              .where(*conditions).group_by(Complaint.status)).all()
    counts = {status: count for status, count, _open in rows}
    # The counts per state give the totals: no second count over the jurisdiction's cases.
    wanted = [row for row in rows if not filters.status or row[0] is filters.status]
    total, open_total = sum(row[1] for row in wanted), sum(row[2] for row in wanted)
    if filters.status:
        conditions.append(Complaint.status == filters.status)
    # One walk of the cases with something due by deadline, one of the rest newest first: the
    # order of `_ordered`, without sorting every case of the jurisdiction.
    ids, number = ids_in_two_walks(
        select(Complaint.id).where(*conditions, Complaint.next_due.is_not(None))
        .order_by(Complaint.next_due, Complaint.id.desc()),
        select(Complaint.id).where(*conditions, Complaint.next_due.is_(None)).order_by(Complaint.id.desc()),
        open_total, total, page, page_size)
    found = {c.id: c for c in db.session.scalars(_ordered([Complaint.id.in_(ids)]))} if ids else {}
    return Inbox(Page([found[i] for i in ids if i in found], number, page_size, total),
                 {status: counts.get(status, 0) for status in Status}, today, soon_until)


def handlers_for(complaint: Complaint) -> list[User]:
    """Active handlers who may be given the case: their jurisdiction covers its office."""
    offices = [region.code for region in regions.lineage(regions.get(complaint.handling_region_code))]
    return list(db.session.scalars(select(User).where(
        User.role == Role.HANDLER, User.active.is_(True), User.region_code.in_(offices))
        .order_by(User.region_code.desc(), User.display_name)))


def linked_cases(complaint: Complaint, user: User) -> list[Complaint]:
    """The case this one duplicates, and the cases that duplicate it, within the jurisdiction."""
    conditions = [Complaint.duplicate_of_id == complaint.id]
    if complaint.duplicate_of_id:
        conditions.append(Complaint.id == complaint.duplicate_of_id)
    return list(db.session.scalars(select(Complaint).where(or_(*conditions), _scope(user))
                                   .order_by(Complaint.id)))


def same_institution(complaint: Complaint, user: User, limit: int = 10) -> list[Complaint]:
    """Other cases about the same registered institution, newest first."""
    if complaint.institution_id is None:
        return []
    return list(db.session.scalars(select(Complaint).where(
        Complaint.institution_id == complaint.institution_id, Complaint.id != complaint.id, _scope(user))
        .order_by(Complaint.id.desc()).limit(limit)))


def find_case_number(user: User, case_number: str) -> Complaint:
    """A case in the jurisdiction by its number (for linking a duplicate)."""
    complaint = db.session.scalar(select(Complaint).where(
        Complaint.case_number == clean_text(case_number).upper(), _scope(user)))
    if complaint is None:
        raise CaseNotFound(case_number)
    return complaint


PSEUDONYM_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def reporter_pseudonym(complaint: Complaint) -> str:
    """A short stable name for the case's reporter ("A7"), so staff can refer to them without
    knowing who they are; derived from the case under the pepper, so it says nothing itself."""
    digest = crypto.matching_digest(b"reporter-pseudonym:", str(complaint.id))
    return PSEUDONYM_LETTERS[digest[0] % len(PSEUDONYM_LETTERS)] + str(digest[1] % 10)


def evidence(complaint: Complaint, attachment_id: int) -> tuple[Attachment, bytes]:
    """One of the case's files (the reporter's or staff's), decrypted; another case's is not found."""
    found = db.session.scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.complaint_id == complaint.id))
    if found is None:
        raise AttachmentNotFound(attachment_id)
    return found, crypto.decrypt_file(crypto.Sealed(found.ciphertext, found.wrapped_key))


def timeline(complaint: Complaint) -> list[ComplaintEvent]:
    """Every entry of the case, public and internal, oldest first, with files."""
    return list(db.session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                                   .options(selectinload(ComplaintEvent.attachments))
                                   .order_by(ComplaintEvent.id)))


def handlers_in(user: User) -> list[User]:
    """Active handlers of the jurisdiction (for the inbox's assignee filter)."""
    return list(db.session.scalars(select(User).where(
        User.role == Role.HANDLER, User.active.is_(True),
        User.region_code.startswith(regions.get(user.region_code).scope_prefix))
        .order_by(User.region_code, User.display_name)))


def staff_names(user_ids: set[int]) -> dict[int, User]:
    """Several staff accounts at once, for timelines that name who did what."""
    if not user_ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
