"""Each issued notice reaches a named reporter by the channel they chose: a text or an email that
a notice was issued (through `casework.mail`, into the outbox), or a letter in the issuing office's
print queue. Staff print a letter with its address cover sheet (the address opened for that and
audited), mark it posted with the day and the registered-mail number (挂号信), and, for a written
reply, record the day on the postal return receipt (回执): the reply's delivery (送达) by post."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework import deadlines
from portal.casework import mail as case_mail
from portal.casework.models import Complaint, ComplaintEvent, EventKind, NotifyChannel, ReplyDelivery, Status
from portal.errors import Conflict, Invalid, NotFound
from portal.extensions import db
from portal.letters.models import Letter
from portal.notices.models import Notice
from portal.regions import service as regions
from portal.reply_delivery import service as reply_delivery
from portal.security import audit, crypto

ROLES = (Role.HANDLER, Role.ADMIN)
REPLY_KINDS = ("reply", "review", "re_review")  # 答复意见书, 复查意见书, 复核意见书: received (送达) by post
MAX_ID = 2**31 - 1
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


class LetterNotFound(NotFound):
    """No such letter in the person's jurisdiction."""


class LetterClosed(Conflict):
    """Posted already (or not yet, for a receipt), not a reply, or the person stepped aside (回避)."""


class BadPosting(Invalid):
    """args[0] names the field ("day" or "number"), args[1] the problem."""


def notice_issued(notice: Notice, complaint: Complaint) -> None:
    """The notices' listener: tell the named reporter by their channel (in the issuing transaction)."""
    if complaint.anonymous or complaint.notify_channel is None:
        return
    if complaint.notify_channel is NotifyChannel.LETTER:
        db.session.add(Letter(notice_id=notice.id, complaint_id=complaint.id, region_code=notice.region_code,
                              created_at=notice.issued_at))
        db.session.flush()
        return
    case_mail.case_updated(complaint, notice=True)


def valid_registered_number(number: str) -> bool:
    """A registered-mail number as China Post prints it (UPU S10: two letters, eight digits, a check
    digit, the country's two letters, e.g. XA123456785CN)."""
    if len(number) != 13 or not (number.isascii() and number[:2].isalpha() and number[2:11].isdigit()
                                 and number[11:].isalpha()):
        return False
    check = 11 - sum(int(d) * w for d, w in zip(number[2:10], S10_WEIGHTS, strict=True)) % 11
    return int(number[10]) == {10: 0, 11: 5}.get(check, check)


def _scoped(user: User) -> Select:
    return select(Letter).where(Letter.region_code.startswith(regions.get(user.region_code).scope_prefix)) \
        .options(selectinload(Letter.notice), selectinload(Letter.complaint))


def waiting(user: User) -> list[Letter]:
    """The jurisdiction's letters not posted yet, oldest first."""
    return list(db.session.scalars(_scoped(user).where(Letter.posted_on.is_(None)).order_by(Letter.id)))


def awaiting_receipt(user: User) -> list[Letter]:
    """Posted written replies whose return receipt's day is not recorded yet (the review period waits)."""
    letters = db.session.scalars(_scoped(user).join(Notice, Notice.id == Letter.notice_id)
                                 .join(Complaint, Complaint.id == Letter.complaint_id).where(
        Letter.posted_on.is_not(None), Notice.kind.in_(REPLY_KINDS), Complaint.reply_received_on.is_(None),
        Complaint.status == Status.CONCLUDED).order_by(Letter.posted_on, Letter.id))
    return [letter for letter in letters if receipt_open(letter)]


def receipt_open(letter: Letter) -> bool:
    complaint = letter.complaint
    return letter.notice.kind in REPLY_KINDS and letter.posted_on is not None \
        and reply_delivery.awaiting(complaint) and complaint.replied_at <= letter.notice.issued_at


def post_by(letter: Letter) -> dt.date:
    """The last day to post the letter (the `letter_posting` rule, in working days from its issue)."""
    rule = deadlines.rule("letter_posting", letter.region_code, letter.created_at)
    return deadlines.add_period(clock.local_date(letter.created_at), rule).day


def late_count(user: User, today: dt.date) -> int:
    """How many of the jurisdiction's letters are still unposted after their last day to post."""
    return sum(1 for letter in waiting(user) if post_by(letter) < today)


def for_staff(user: User, letter_id: int, for_update: bool = False) -> Letter:
    query = _scoped(user).where(Letter.id == letter_id)
    if for_update:
        query = query.with_for_update(of=Letter).execution_options(populate_existing=True)
    found = db.session.scalar(query) if 1 <= letter_id <= MAX_ID and user.role in ROLES else None
    if found is None:
        raise LetterNotFound(letter_id)
    return found


def _may_act(letter: Letter, user: User) -> None:
    if not user.active or user.role not in ROLES or not accounts.covers(user, letter.region_code) \
            or workflow.vetoed(user, "complaint", letter.complaint):
        raise LetterClosed(letter.id)


def address(letter: Letter, user: User, now: dt.datetime | None = None) -> str:
    """The postal address, opened to print the cover sheet of a letter not posted yet; audited."""
    _may_act(letter, user)
    complaint = letter.complaint
    if letter.posted_on is not None or complaint.notify_contact_encrypted is None:
        raise LetterClosed(letter.id)
    opened = crypto.decrypt_text(complaint.notify_contact_encrypted)
    audit.record(f"user:{user.id}", "letter.address_opened", "complaint", complaint.id, at=now or clock.now(),
                 after={"letter": letter.id, "notice": letter.notice.number, "purpose": "cover sheet"})
    return opened


def post(letter: Letter, user: User, day: dt.date, number: str, now: dt.datetime | None = None) -> None:
    """Mark the letter posted on `day` (between its issue and today) by registered mail `number`."""
    _may_act(letter, user)
    if letter.posted_on is not None:
        raise LetterClosed(letter.id)
    now = now or clock.now()
    if day < clock.local_date(letter.notice.issued_at):
        raise BadPosting("day", "before")
    if day > clock.local_date(now):
        raise BadPosting("day", "future")
    if not valid_registered_number(number):
        raise BadPosting("number", "invalid")
    letter.posted_on, letter.registered_number = day, number
    letter.posted_by_id, letter.posted_at = user.id, now
    db.session.add(ComplaintEvent(complaint_id=letter.complaint_id, kind=EventKind.LETTER_POSTED, public=True,
                                  body=f"{letter.notice.title} {letter.notice.number}（{day.isoformat()}）",
                                  actor_id=user.id, actor_label=user.display_name, created_at=now))
    db.session.flush()
    audit.record(f"user:{user.id}", "letter.posted", "complaint", letter.complaint_id, at=now,
                 after={"letter": letter.id, "notice": letter.notice.number, "posted_on": day.isoformat()})


def record_receipt(letter: Letter, user: User, day: dt.date, now: dt.datetime | None = None) -> None:
    """The day on the return receipt of a posted written reply: its delivery (送达) by post, from
    which the time to ask for a review runs (`reply_delivery`)."""
    _may_act(letter, user)
    if not receipt_open(letter):
        raise LetterClosed(letter.id)
    if day < letter.posted_on:
        raise BadPosting("day", "before_posting")
    try:
        reply_delivery.record(letter.complaint, user, ReplyDelivery.POST, day, now)
    except reply_delivery.BadDeliveryDay as wrong:
        raise BadPosting("day", wrong.args[0]) from wrong
    except reply_delivery.DeliveryNotOpen as closed:
        raise LetterClosed(letter.id) from closed

