"""Identity custody: a handler's written request to see a named reporter, a custodian's decision,
and each viewing of the identity while the approval runs.

The identity is opened here only, for the handler whose request a custodian of the case's
jurisdiction approved, for 24 hours from the approval. Every request, decision and viewing
writes an audit record naming the request, never the identity.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from nacl.exceptions import CryptoError
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework.exceptions import NotPermitted, ReasonRequired, StepNotAllowed
from portal.casework.models import Complaint
from portal.config import read_secret_file
from portal.custody.models import IdentityRequest, RequestState
from portal.errors import NotFound
from portal.extensions import db
from portal.regions import service as regions
from portal.security import audit, crypto
from portal.staffing import grants

REVEAL_PERIOD = dt.timedelta(hours=24)
REASON_MAX = 1000
NOTE_MAX = 1000
RECENT_DECISIONS = 20
MAX_ID = 2**31 - 1


class AnonymousReporter(StepNotAllowed):
    """The reporter stayed anonymous: there is no identity to reveal."""


class AlreadyRequested(StepNotAllowed):
    """The handler has a request on this case waiting, or an approval still running."""


class AlreadyDecided(StepNotAllowed):
    """The request has its decision already."""


class NoLiveApproval(NotPermitted):
    """The person has no approved request on this case that is still running."""


class IdentityUnreadable(Exception):
    """The configured private key does not open this identity (a key from another install)."""


class RequestNotFound(NotFound):
    """No such request, or not in the custodian's jurisdiction: the same answer for both."""


def is_live(request: IdentityRequest, now: dt.datetime) -> bool:
    """Approved, and the 24 hours since the approval have not run out."""
    return request.state is RequestState.APPROVED and request.expires_at is not None and now < request.expires_at


def is_open(request: IdentityRequest, now: dt.datetime) -> bool:
    """Waiting for a custodian, or approved and still running: a new request would duplicate it."""
    return request.state is RequestState.PENDING or is_live(request, now)


def key_configured() -> bool:
    """Whether this host has the identity private key file (most hosts do not)."""
    path = current_app.config.get("IDENTITY_PRIVATE_KEY_FILE")
    return bool(path) and read_secret_file(Path(path)) is not None


def may_request(complaint: Complaint, user: User) -> bool:
    """An active handler whose jurisdiction covers the case, and a named reporter."""
    return (user.active and user.role is Role.HANDLER and not complaint.anonymous
            and accounts.covers(user, complaint.region_code) and not workflow.vetoed(user, "complaint", complaint))


def may_decide(complaint: Complaint, request: IdentityRequest, user: User) -> bool:
    """An active custodian of the case's jurisdiction or one above it, never on their own request,
    and not a custodian made or reset within the waiting period (`grants.settled`)."""
    return (user.active and user.role is Role.CUSTODIAN and request.requester_id != user.id
            and accounts.covers(user, complaint.region_code) and grants.settled(user)
            and not workflow.vetoed(user, "identity_request", request))


def requests_on(complaint: Complaint) -> list[IdentityRequest]:
    """Every request on the case, newest first, with who asked and who decided."""
    return list(db.session.scalars(
        select(IdentityRequest).where(IdentityRequest.complaint_id == complaint.id)
        .options(selectinload(IdentityRequest.requester), selectinload(IdentityRequest.decided_by))
        .order_by(IdentityRequest.id.desc())))


def latest_request(complaint: Complaint, user: User) -> IdentityRequest | None:
    """The person's most recent request on the case."""
    return db.session.scalar(select(IdentityRequest).where(
        IdentityRequest.complaint_id == complaint.id, IdentityRequest.requester_id == user.id)
        .options(selectinload(IdentityRequest.requester), selectinload(IdentityRequest.decided_by))
        .order_by(IdentityRequest.id.desc()).limit(1))


def request_reveal(complaint: Complaint, user: User, reason: str,
                   now: dt.datetime | None = None) -> IdentityRequest:
    """File a handler's written request to see the reporter's identity, for a custodian to decide."""
    if complaint.anonymous:
        raise AnonymousReporter()
    if not may_request(complaint, user):
        raise NotPermitted()
    now, reason = now or clock.now(), reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ReasonRequired("reason")
    # Lock the case so two posts of the same form cannot both find no open request.
    db.session.execute(select(Complaint.id).where(Complaint.id == complaint.id).with_for_update())
    earlier = db.session.scalars(select(IdentityRequest).where(
        IdentityRequest.complaint_id == complaint.id, IdentityRequest.requester_id == user.id,
        IdentityRequest.state != RequestState.DENIED))
    if any(is_open(request, now) for request in earlier):
        raise AlreadyRequested()
    request = IdentityRequest(complaint_id=complaint.id, requester_id=user.id, reason=reason,
                              state=RequestState.PENDING, created_at=now)
    db.session.add(request)
    db.session.flush()
    audit.record(f"user:{user.id}", "identity.request", "complaint", complaint.id, at=now,
                 after={"request": request.id, "state": request.state.value}, reason=reason)
    return request


def for_custodian(user: User, request_id: int) -> IdentityRequest:
    """A request on a case inside the custodian's jurisdiction, with its case and people loaded."""
    if not 1 <= request_id <= MAX_ID:
        raise RequestNotFound(request_id)
    request = db.session.scalar(select(IdentityRequest).where(IdentityRequest.id == request_id).options(
        selectinload(IdentityRequest.complaint).options(selectinload(Complaint.region),
                                                        selectinload(Complaint.institution)),
        selectinload(IdentityRequest.requester), selectinload(IdentityRequest.decided_by)))
    if request is None or not accounts.covers(user, request.complaint.region_code):
        raise RequestNotFound(request_id)
    return request


def decide(request: IdentityRequest, custodian: User, approve: bool, note: str = "",
           now: dt.datetime | None = None) -> IdentityRequest:
    """Approve (the handler may view the identity for 24 hours) or deny with a note."""
    complaint = db.session.get(Complaint, request.complaint_id)  # loaded already by `for_custodian`
    if not may_decide(complaint, request, custodian):
        raise NotPermitted()
    now, note = now or clock.now(), note.strip()
    if (not approve and not note) or len(note) > NOTE_MAX:
        raise ReasonRequired("note")
    # Re-read under a lock: two custodians deciding the same request at once.
    request = db.session.scalar(select(IdentityRequest).where(IdentityRequest.id == request.id)
                                .with_for_update().execution_options(populate_existing=True))
    if request.state is not RequestState.PENDING:
        raise AlreadyDecided()
    request.state = RequestState.APPROVED if approve else RequestState.DENIED
    request.decided_by_id, request.decided_at, request.decision_note = custodian.id, now, note
    request.expires_at = now + REVEAL_PERIOD if approve else None
    db.session.flush()
    audit.record(f"user:{custodian.id}", "identity.approve" if approve else "identity.deny", "complaint",
                 complaint.id, at=now, before={"request": request.id, "state": RequestState.PENDING.value},
                 after={"request": request.id, "state": request.state.value,
                        "expires_at": request.expires_at.isoformat() if request.expires_at else None},
                 reason=note)
    return request


@dataclass(frozen=True)
class Queue:
    """A custodian's work: requests waiting (newest first), and the latest decisions."""

    pending: list[IdentityRequest]
    decided: list[IdentityRequest]


def queue(custodian: User, recent: int = RECENT_DECISIONS) -> Queue:
    """The requests on cases inside the custodian's jurisdiction."""
    scope = Complaint.region_code.startswith(regions.get(custodian.region_code).scope_prefix)
    base = (select(IdentityRequest).join(IdentityRequest.complaint).where(scope)
            .options(contains_eager(IdentityRequest.complaint).selectinload(Complaint.region),
                     selectinload(IdentityRequest.requester)))
    pending = db.session.scalars(base.where(IdentityRequest.state == RequestState.PENDING)
                                 .order_by(IdentityRequest.created_at.desc(), IdentityRequest.id.desc()))
    decided = db.session.scalars(base.where(IdentityRequest.state != RequestState.PENDING)
                                 .options(selectinload(IdentityRequest.decided_by))
                                 .order_by(IdentityRequest.decided_at.desc(), IdentityRequest.id.desc())
                                 .limit(recent))
    return Queue(list(pending), list(decided))


def live_request(complaint: Complaint, user: User, now: dt.datetime) -> IdentityRequest | None:
    """The person's approved request on the case that is still running, if any."""
    return db.session.scalar(select(IdentityRequest).where(
        IdentityRequest.complaint_id == complaint.id, IdentityRequest.requester_id == user.id,
        IdentityRequest.state == RequestState.APPROVED, IdentityRequest.expires_at > now)
        .order_by(IdentityRequest.expires_at.desc()).limit(1))


@dataclass(frozen=True)
class Revealed:
    """The reporter's identity as sealed at filing, and the approval that let it be opened."""

    request: IdentityRequest
    identity: dict[str, str]


def reveal(complaint: Complaint, user: User, now: dt.datetime | None = None) -> Revealed:
    """Open the identity for the handler whose approval is running, and record the viewing.

    Raises `crypto.KeyUnavailable` before recording anything when this host has no private key.
    """
    if complaint.anonymous:
        raise AnonymousReporter()
    now = now or clock.now()
    approval = live_request(complaint, user, now) if may_request(complaint, user) else None
    if approval is None:
        raise NoLiveApproval()
    try:
        identity = crypto.open_identity(complaint.reporter_sealed)
    except (CryptoError, ValueError) as exc:  # nacl's key and box errors, a damaged record
        raise IdentityUnreadable() from exc
    first = not any(record.action == "identity.viewed" and json.loads(record.after).get("request") == approval.id
                    for record in audit.for_object("complaint", complaint.id))
    audit.record(f"user:{user.id}", "identity.viewed", "complaint", complaint.id, at=now,
                 after={"request": approval.id})
    if first:  # the first opening on an approval is told to the offices above
        from portal.custody import mail

        mail.identity_opened(complaint, approval, user)
    return Revealed(approval, identity)


def panel(complaint: Complaint, user: User, now: dt.datetime | None = None) -> dict:
    """What the staff case page shows about the reporter's identity: the requests and their
    state, and what this officer may do. Never the identity itself."""
    now = now or clock.now()
    requests = requests_on(complaint)
    mine = next((request for request in requests if request.requester_id == user.id), None)
    live = mine is not None and is_live(mine, now)
    return {
        "anonymous": complaint.anonymous,
        "requests": requests,
        "mine": mine,
        "live": live,
        "expired": mine is not None and mine.state is RequestState.APPROVED and not live,
        "may_request": may_request(complaint, user) and not (mine is not None and is_open(mine, now)),
        "decidable": {request.id for request in requests
                      if request.state is RequestState.PENDING and may_decide(complaint, request, user)},
        "key_configured": key_configured() if live or user.role is Role.CUSTODIAN else None,
        "reason_max": REASON_MAX,
        "now": now,
    }
