"""What a reporter can do with a receipt: see the case, add to it, rate it, ask for a review."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from portal import case_tracks, clock
from portal.casework import deadlines
from portal.casework import service as casework
from portal.casework.exceptions import AttachmentNotFound, StepNotAllowed
from portal.casework.models import Attachment, Complaint, ComplaintEvent, EventKind, Rating, Status, TrackingGrant
from portal.casework.models import ReviewStage as Stage
from portal.escalation import service as escalation
from portal.extensions import db
from portal.i18n import _l
from portal.intake.filing import reporter_actor, store_files
from portal.reply_delivery import service as reply_delivery
from portal.security import audit, crypto
from portal.security.attachments import CleanFile

# The browser session's key for its grant (the case page and the written notices' pages read it).
GRANT_KEY = "tracking_grant"
GRANT_IDLE = dt.timedelta(minutes=30)
GRANT_LIFETIME = dt.timedelta(hours=2)
# What one case takes from its reporter: additions, files (those filed with it included) and the
# cleaned files' total size. Beyond them the office is reached by telephone.
MAX_SUPPLEMENTS = 20
MAX_CASE_FILES = 30
MAX_CASE_BYTES = 100 * 1024 * 1024


class GrantExpired(LookupError):
    """The case page was left, or has been idle or open too long; the receipt is needed again."""


class CaseClosed(StepNotAllowed):
    """The case is archived; nothing more can be added."""


class CaseFull(StepNotAllowed):
    """The case holds as much from its reporter as it takes: `reason` is "supplements", "files" or "size"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotRatable(StepNotAllowed):
    """Only a concluded case can be rated, and only once."""


class ReviewNotAllowed(StepNotAllowed):
    """A review is asked for within the time limit, once per stage; the rating plays no part."""


@dataclass(frozen=True)
class NextStep:
    label: str
    due: dt.date
    provisional: bool


def _grant_digest(token: str) -> str:
    return crypto.keyed_hash(b"tracking-grant:", token)


def _grant_is(token: str):
    """The grant of this token, under any pepper: a grant opened just before a rotation stays open."""
    return TrackingGrant.token_digest.in_(crypto.keyed_hashes(b"tracking-grant:", token))


def open_grant(complaint: Complaint, now: dt.datetime) -> str:
    """Open the case page for this browser; returns the token its session keeps."""
    db.session.execute(delete(TrackingGrant).where(TrackingGrant.created_at < now - GRANT_LIFETIME))
    token = secrets.token_urlsafe(32)
    db.session.add(TrackingGrant(token_digest=_grant_digest(token), complaint_id=complaint.id,
                                 created_at=now, last_seen_at=now))
    db.session.flush()
    return token


def complaint_for_grant(token: str | None, now: dt.datetime) -> Complaint:
    """The case an open grant shows, with what its page needs; refreshes the idle clock."""
    grant = db.session.scalar(select(TrackingGrant).where(_grant_is(token))) if token else None
    if grant is None:
        raise GrantExpired()
    if now - grant.last_seen_at > GRANT_IDLE or now - grant.created_at > GRANT_LIFETIME:
        db.session.delete(grant)
        db.session.flush()
        raise GrantExpired()
    grant.last_seen_at = now
    return db.session.scalar(
        select(Complaint).where(Complaint.id == grant.complaint_id).options(
            selectinload(Complaint.institution), selectinload(Complaint.region)))


def close_grant(token: str | None) -> None:
    """Leave the case page: the grant is gone, whoever holds a copy of the cookie."""
    if token:
        db.session.execute(delete(TrackingGrant).where(_grant_is(token)))


def lock(complaint: Complaint) -> Complaint:
    """Lock the case's row until the transaction ends and read it afresh (SELECT … FOR UPDATE;
    SQLite's writers already queue), so a second request sent at the same moment sees the
    first one's result and is checked against it."""
    return db.session.scalar(
        select(Complaint).where(Complaint.id == complaint.id).with_for_update()
        .options(selectinload(Complaint.institution), selectinload(Complaint.region))
        .execution_options(populate_existing=True))


def review_due(complaint: Complaint) -> deadlines.Due | None:
    """The last day to ask for a review, counted from the latest reply."""
    return casework.review_request_due(complaint)


def next_step(complaint: Complaint) -> NextStep | None:
    """What happens next and by when, in the reporter's terms."""
    if complaint.status is Status.REGISTERED:
        return NextStep(_l("Decision on acceptance due"), complaint.acceptance_due, complaint.due_provisional)
    if complaint.status in (Status.ACCEPTED, Status.IN_PROGRESS) and complaint.conclusion_due:
        return NextStep(_l("Written reply due"), complaint.conclusion_due, complaint.due_provisional)
    if complaint.status is Status.UNDER_REVIEW and complaint.review_decision_due:
        label = _l("Re-review (复核) decision due") if complaint.review_stage is Stage.RE_REVIEW \
            else _l("Review (复查) decision due")
        return NextStep(label, complaint.review_decision_due, complaint.due_provisional)
    due = review_due(complaint)
    if casework.may_open_review(complaint) and due:
        label = _l("Last day to ask for a re-review (复核)") if complaint.review_stage is Stage.REVIEW \
            else _l("Last day to ask for a review (复查)")
        return NextStep(label, due.day, due.provisional)
    return None


def check_room(complaint: Complaint, files: int, size: int = 0) -> None:
    """Raise CaseFull unless the case takes one more addition with `files` files of `size` bytes."""
    supplements = db.session.scalar(select(func.count()).select_from(ComplaintEvent).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == EventKind.SUPPLEMENT))
    stored, stored_size = db.session.execute(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size), 0))
        .where(Attachment.complaint_id == complaint.id)).one()
    for reason, full in (("supplements", supplements + 1 > MAX_SUPPLEMENTS),
                         ("files", stored + files > MAX_CASE_FILES), ("size", stored_size + size > MAX_CASE_BYTES)):
        if full:
            raise CaseFull(reason)


def add_supplement(complaint: Complaint, text: str, files: list[CleanFile]) -> ComplaintEvent:
    """Add information or files to an open case, within what the case takes (CaseFull)."""
    if complaint.status is Status.ARCHIVED:
        raise CaseClosed()
    check_room(complaint, len(files), sum(len(clean.data) for clean in files))
    event = ComplaintEvent(complaint_id=complaint.id, kind=EventKind.SUPPLEMENT, public=True, body=text)
    db.session.add(event)
    db.session.flush()
    store_files(complaint, event, files)
    audit.record(reporter_actor(complaint), "complaint.supplemented", "complaint", complaint.id,
                 after={"event": event.id, "files": len(files)})
    return event


def can_rate(complaint: Complaint) -> bool:
    """A concluded case not yet rated; a mediation's result is rated on its own part of the page."""
    return complaint.status is Status.CONCLUDED and complaint.rating is None and not case_tracks.final_result(complaint)


def rate(complaint: Complaint, rating: Rating, comment: str) -> None:
    """Record the reporter's rating of a concluded case."""
    if not can_rate(complaint):
        raise NotRatable()
    complaint.rating = rating
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.RATED, public=True,
                                  body=comment))
    db.session.flush()
    audit.record(reporter_actor(complaint), "complaint.rated", "complaint", complaint.id,
                 after={"rating": rating.value})


def can_request_review(complaint: Complaint, today: dt.date) -> bool:
    """Whatever the rating, or none (信访工作条例 art. 35): within 30 days of the written reply,
    while the case can still go up a level."""
    due = review_due(complaint)
    return casework.may_open_review(complaint) and due is not None and today <= due.day


def request_review(complaint: Complaint, reason: str, now: dt.datetime) -> None:
    """Record the reporter's request for review by the superior level (asking, they have the reply)."""
    reply_delivery.opened(complaint, now)
    if not can_request_review(complaint, clock.local_date(now)):
        raise ReviewNotAllowed()
    before = {"status": complaint.status.value, "office": complaint.handling_region_code}
    complaint.review_requested_at = now
    casework.open_review(complaint, now)
    escalation.review_arrived(complaint)  # an office above with no handler of its own: tell those above it
    kind = EventKind.RE_REVIEW_REQUESTED if complaint.review_stage is Stage.RE_REVIEW \
        else EventKind.REVIEW_REQUESTED
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=kind, public=True, body=reason))
    db.session.flush()
    audit.record(reporter_actor(complaint), "complaint.review_requested", "complaint", complaint.id,
                 before=before, at=now, after={"status": complaint.status.value,
                                               "office": complaint.handling_region_code,
                                               "stage": complaint.review_stage.value})


def attachment(complaint: Complaint, attachment_id: int) -> tuple[Attachment, bytes]:
    """One of the case's public files, decrypted; another case's file is not found."""
    found = db.session.scalar(
        select(Attachment).join(ComplaintEvent)
        .where(Attachment.id == attachment_id, Attachment.complaint_id == complaint.id,
               ComplaintEvent.public.is_(True)))
    if found is None:
        raise AttachmentNotFound(attachment_id)
    return found, crypto.decrypt_file(crypto.Sealed(found.ciphertext, found.wrapped_key))
